"""Ground truth of the shop: customer latent process, campaign uplift, channels — consistent with the data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from growthpilot.simulate import SimConfig, simulate_shop


@pytest.fixture(scope="module")
def shop() -> dict[str, pd.DataFrame]:
    return simulate_shop(SimConfig(customers=4000, seed=8))


def test_truth_customers_future_matches_latent_process(shop):
    tc = shop["truth_customers"]
    exp, real = tc.expected_purchases_horizon, tc.realised_purchases_horizon
    assert real.sum() == pytest.approx(exp.sum(), rel=0.15)
    assert np.corrcoef(exp, real)[0, 1] > 0.5
    assert (exp[~tc.alive_at_end] == 0).all()
    assert (tc.expected_spend_horizon >= 0).all()
    assert roc_auc_score(tc.alive_at_end, tc.p_alive) > 0.85
    assert tc.p_alive.between(0, 1).all()


def test_truth_customers_matches_orders(shop):
    tc = shop["truth_customers"].set_index("customer_id")
    o = shop["orders"]
    n = o[~o.is_return & o.customer_id.notna()].groupby("customer_id").order_id.nunique()
    assert (n.reindex(tc.index, fill_value=0) == tc.purchases_in_window).all()
    # spend per order: the latent mean predicts the observed mean
    amount = o[~o.is_return & o.customer_id.notna()].groupby("customer_id").amount.sum() / n
    both = pd.concat([amount, tc.mean_spend_per_order], axis=1, join="inner")
    busy = both[n.reindex(both.index) >= 4]
    assert np.corrcoef(busy.iloc[:, 0], busy.iloc[:, 1])[0, 1] > 0.4
    # preferences are JSON distributions whose argmax is the preferred category
    prefs = tc.category_preferences.map(json.loads)
    assert prefs.map(lambda d: abs(sum(d.values()) - 1) < 0.01).all()
    assert (prefs.map(lambda d: max(d, key=d.get)) == tc.preferred_category).all()


def test_covariates_matter(shop):
    tc = shop["truth_customers"]
    rate = tc.groupby("acquisition_channel").purchase_rate.mean()
    assert rate["referral"] > 1.3 * rate["display"]
    drop = tc.groupby("acquisition_channel").dropout_prob.mean()
    assert drop["display"] > drop["referral"]
    # at equal history (same number of purchases), the channel still predicts the future:
    # information plain BG/NBD (frequency, recency, age) does not use
    same = tc[tc.purchases_in_window.between(2, 6)]
    future = same.groupby("acquisition_channel").expected_purchases_horizon.mean()
    assert future["referral"] > future["display"]


def test_price_sensitive_customers_buy_on_promotions(shop):
    tc = shop["truth_customers"].set_index("customer_id")
    o = shop["orders"]
    orders = o[~o.is_return & o.customer_id.notna()].drop_duplicates("order_id").sort_values("ts")
    repeat = orders[orders.duplicated("customer_id")]  # the first order is the sign-up, not timed by deals
    promo_share = (repeat.discount > 0).groupby(repeat.customer_id).mean()
    ps = tc.price_sensitivity.reindex(promo_share.index)
    hi, lo = promo_share[ps > ps.quantile(0.75)].mean(), promo_share[ps < ps.quantile(0.25)].mean()
    assert hi > lo * 1.2


def test_truth_uplift_heterogeneous_and_matches_outcomes(shop):
    tu = shop["truth_uplift"]
    treated = tu[tu.arm != "control"]
    assert (treated.true_uplift < 0).mean() > 0.01 and (treated.true_uplift > 0).mean() > 0.3
    assert treated.true_uplift.std() > 0.01
    assert (tu.loc[tu.arm == "control", "true_uplift"] == 0).all()
    assert tu.base_prob.between(0, 1).all()
    conv = shop["outcomes"].query("outcome_type == 'conversion'")[["campaign_id", "customer_id"]].assign(y=1)
    d = tu.merge(conv, on=["campaign_id", "customer_id"], how="left").fillna({"y": 0})
    for arm, g in d.groupby("arm"):
        expected = (g.base_prob + g.true_uplift).mean()
        se = np.sqrt(expected * (1 - expected) / len(g))
        assert abs(g.y.mean() - expected) < 4 * se, arm
    # the uplift arms differ from control in the direction the truth says
    lift = d[d.arm == "email_a"].y.mean() - d[d.arm == "control"].y.mean()
    assert lift > 0


def test_truth_channels_and_media_tables(shop):
    tch = shop["truth_channels"]
    assert len(tch) == 6 and (tch.true_roi > 0).all()
    spend = shop["channel_spend"].groupby("channel").spend.sum()
    assert spend.reindex(tch.channel).to_numpy() == pytest.approx(tch.total_spend.to_numpy())
    assert len(shop["mmm_lift_tests"]) >= 12 and len(shop["mmm_weekly"]) == 104
