"""BG/NBD, Gamma-Gamma, the boosted model, RFM, clusters and personas on small synthetic data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from growthpilot.customers.backtest import calibration_error, lift_at, propensity_metrics
from growthpilot.customers.bgnbd import BetaGeoModel, GammaGammaModel
from growthpilot.customers.clv import CustomerValueModel
from growthpilot.customers.personas import persona_cards
from growthpilot.customers.rfm import SEGMENT_RULES, rfm_scores, segment_name
from growthpilot.customers.scores import next_order_days
from growthpilot.customers.segments import BehaviourClusters
from growthpilot.errors import NotFittedError


def _bgnbd_sample(n: int, seed: int = 1, horizon: float = 90.0):
    """Customers drawn from the BG/NBD story (rates per day), with their next-horizon purchases."""
    rng = np.random.default_rng(seed)
    lam, p = rng.gamma(0.8, 1 / 10.0, n), rng.beta(0.6, 2.5, n)
    T = rng.uniform(100, 400, n)
    x, tx, fut = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in range(n):
        t, alive = 0.0, True
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T[i]:
                break
            x[i] += 1
            tx[i] = t
            if rng.random() < p[i]:
                alive = False
                break
        tt = T[i]
        while alive:
            tt += rng.exponential(1 / lam[i])
            if tt > T[i] + horizon:
                break
            fut[i] += 1
            alive = rng.random() >= p[i]
    return x, tx, T, fut


def test_bgnbd_recovers_parameters_and_predicts_the_mean() -> None:
    x, tx, T, fut = _bgnbd_sample(2500)
    m = BetaGeoModel().fit(x, tx, T)
    assert m.params_["r"] == pytest.approx(0.8, rel=0.25)
    assert m.params_["alpha"] * m.time_unit == pytest.approx(10.0, rel=0.35)
    assert m.params_["a"] == pytest.approx(0.6, rel=0.35)
    e = m.expected_purchases(90, x, tx, T)
    assert e.mean() == pytest.approx(fut.mean(), rel=0.1)
    pa = m.p_alive(x, tx, T)
    assert np.all((pa >= 0) & (pa <= 1)) and np.all(pa[x == 0] == 1)
    pp = m.p_purchase(90, x, tx, T)
    assert pp.mean() == pytest.approx((fut > 0).mean(), abs=0.04)
    assert np.all(pp <= pa + 1e-12)


def test_bgnbd_expectation_matches_closed_form_when_a_above_one() -> None:
    from scipy.special import hyp2f1

    m = BetaGeoModel(time_unit=1.0)
    m.params_ = {"r": 0.5, "alpha": 5.0, "a": 2.0, "b": 3.0}
    x, tx, T, t = np.array([0.0, 2.0, 6.0]), np.array([0.0, 30.0, 80.0]), np.array([50.0, 60.0, 100.0]), 40.0
    r, al, a, b = 0.5, 5.0, 2.0, 3.0
    num = (a + b + x - 1) / (a - 1) * (1 - ((al + T) / (al + T + t)) ** (r + x)
                                       * hyp2f1(r + x, b + x, a + b + x - 1, t / (al + T + t)))
    den = 1 + (x > 0) * a / (b + x - 1) * ((al + T) / (al + tx)) ** (r + x)
    np.testing.assert_allclose(m.expected_purchases(t, x, tx, T), num / den, rtol=1e-6)


def test_gamma_gamma_shrinks_towards_population_mean() -> None:
    rng = np.random.default_rng(0)
    n = rng.integers(1, 10, 800)
    v = rng.gamma(4.0, 1 / 0.2, 800)  # per-customer mean spend
    m = np.array([rng.gamma(3.0 * k, v_i / (3.0 * k)) for k, v_i in zip(n, v, strict=True)])
    gg = GammaGammaModel().fit(n, m)
    ev = gg.expected_value(n, m)
    pop = gg.population_mean_
    assert np.all(np.abs(ev - pop) <= np.abs(m - pop) + 1e-9)
    assert pop == pytest.approx(m.mean(), rel=0.3)
    with pytest.raises(NotFittedError):
        GammaGammaModel().expected_value(n, m)


def _frame(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "recency_days": rng.uniform(0, 300, n), "n_orders": rng.integers(1, 20, n).astype(float),
        "monetary": rng.gamma(2, 50, n), "aov": rng.gamma(2, 20, n), "T": rng.uniform(300, 400, n),
        "ipt_mean": rng.uniform(5, 60, n), "return_rate": rng.uniform(0, 0.2, n),
        "discount_mean": rng.uniform(0, 0.3, n), "spend_trend": rng.uniform(-1, 1, n),
        "orders_90d": rng.integers(0, 5, n).astype(float),
    })
    rate = np.exp(-X.recency_days / 100) * X.n_orders / 10
    X["bg_purchases"], X["bg_spend"] = rate.clip(0.01), (rate * X.aov).clip(0.01)
    X["bg_p_purchase"], X["bg_p_30d"] = 1 - np.exp(-rate), 1 - np.exp(-rate / 3)
    y = pd.DataFrame({"purchases": rng.poisson(rate * 1.3).astype(float)})
    y["spend"] = y.purchases * X.aov
    y["any"] = (y.purchases > 0).astype(int)
    y["any_30d"] = ((y.purchases > 0) & (rng.random(n) < 0.5)).astype(int)
    return X, y


def test_customer_value_model_learns_and_calibrates() -> None:
    X, y = _frame(1200)
    with pytest.raises(NotFittedError):
        CustomerValueModel().predict(X)
    m = CustomerValueModel(n_estimators=200).fit(X.iloc[:900], y.iloc[:900])
    pred = m.predict(X.iloc[900:])
    yt = y.iloc[900:]
    assert set(pred.columns) == {"expected_purchases", "expected_spend", "p_purchase", "p_purchase_30d"}
    assert (pred.expected_purchases >= 0).all() and pred.p_purchase.between(0, 1).all()
    assert (pred.p_purchase_30d <= pred.p_purchase + 1e-12).all()
    truth = 1.3 * X.iloc[900:].bg_purchases  # the true expectation
    err_model = np.abs(pred.expected_purchases - truth).mean()
    err_offset = np.abs(X.iloc[900:].bg_purchases - truth).mean()
    assert err_model < err_offset  # learns the 1.3x level the BG/NBD offset misses
    assert propensity_metrics(pred.p_purchase.to_numpy(), yt["any"].to_numpy())["auc"] > 0.7


def test_rfm_segments_cover_every_cell_and_order_correctly() -> None:
    for r in range(1, 6):
        for f in range(1, 6):
            assert segment_name(r, f) in {name for name, _, _ in SEGMENT_RULES}
    assert segment_name(5, 5) == "Champions" and segment_name(1, 1) == "Lost"
    assert segment_name(1, 5) == "Can't lose them" and segment_name(5, 1) == "New"
    X, _ = _frame(500)
    s = rfm_scores(X)
    assert s[["r_score", "f_score", "m_score"]].isin(range(1, 6)).all().all()
    best = X.recency_days.idxmin()
    assert s.loc[best, "r_score"] == 5


def test_clusters_choose_k_by_silhouette_and_personas_sum_up() -> None:
    rng = np.random.default_rng(3)
    blobs = [pd.DataFrame({"recency_days": rng.normal(c[0], 2, 150).clip(0), "n_orders": rng.normal(c[1], 0.5, 150).clip(1),
                           "monetary": rng.normal(c[2], 5, 150).clip(1)}) for c in ((5, 20, 900), (200, 2, 40), (60, 6, 200))]
    df = pd.concat(blobs, ignore_index=True)
    cl = BehaviourClusters(features=("recency_days", "n_orders", "monetary")).fit(df)
    assert cl.n_clusters_ == 3 and max(cl.silhouettes_, key=cl.silhouettes_.get) == 3
    df["cluster"] = cl.predict(df)
    cards = persona_cards(df, "cluster")
    assert cards["size"].sum() == len(df)
    assert cards["revenue_share"].sum() == pytest.approx(1.0)
    assert all(len(json.loads(t)["defining"]) >= 1 for t in cards.traits)


def test_metrics_and_next_order() -> None:
    y = np.array([0, 0, 1, 1] * 50)
    assert calibration_error(y, np.full(len(y), 0.5)) == pytest.approx(0.0)
    assert lift_at(y.astype(float), y.astype(float), 0.1) == pytest.approx(2.0)
    d = next_order_days(np.array([0.5, 0.99, 1e-4]), 90)
    assert d[0] == 90 and d[1] < 20 and np.isnan(d[2])


def test_reasons_are_plain_sentences_from_shap() -> None:
    from growthpilot.customers.explain import global_importance, phrase, shap_values, top_reasons

    X, y = _frame(800)
    m = CustomerValueModel(n_estimators=100).fit(X, y)
    sv = shap_values(m, X.iloc[:50])
    raw = m.booster_.predict(X.iloc[:50][m.features_], raw_score=True)
    np.testing.assert_allclose(sv.sum(axis=1) + m.booster_.predict(X.iloc[:50][m.features_], pred_contrib=True)[:, -1],
                               raw, rtol=1e-6, atol=1e-6)  # SHAP values add up to the model output
    reasons = [json.loads(r) for r in top_reasons(m, X.iloc[:20], k=3)]
    assert all(1 <= len(r) <= 3 for r in reasons)
    assert all(("raises" in s or "lowers" in s) for r in reasons for s in r)
    assert phrase("recency_days", 12.0, -0.3) == "last purchase 12 days ago (lowers the forecast)"
    assert phrase("acquisition_channel=social", 1.0, 0.2) == "acquisition channel is social (raises the forecast)"
    assert global_importance(m, X.iloc[:100]).index[0] in m.features_


def test_mbgnbd_expectation_closed_form_and_one_time_buyers_can_be_gone() -> None:
    from scipy.special import hyp2f1

    m = BetaGeoModel(time_unit=1.0, variant="mbg")
    m.params_ = {"r": 0.5, "alpha": 5.0, "a": 2.0, "b": 3.0}
    x, tx, T, t = np.array([0.0, 2.0, 6.0]), np.array([0.0, 30.0, 80.0]), np.array([50.0, 60.0, 100.0]), 40.0
    r, al, a, b = 0.5, 5.0, 2.0, 3.0
    num = (a + b + x) / (a - 1) * (1 - ((al + T) / (al + T + t)) ** (r + x)
                                   * hyp2f1(r + x, b + x + 1, a + b + x, t / (al + T + t)))
    den = 1 + a / (b + x) * ((al + T) / (al + tx)) ** (r + x)
    np.testing.assert_allclose(m.expected_purchases(t, x, tx, T), num / den, rtol=1e-6)
    pa = m.p_alive(np.zeros(2), np.zeros(2), np.array([10.0, 300.0]))
    assert pa[1] < pa[0] < 1.0
    x, tx, T, _fut = _bgnbd_sample(800, seed=4)
    fitted = BetaGeoModel(variant="mbg").fit(x, tx, T)
    assert np.isfinite(fitted.loglik_) and fitted.params_["a"] > 0


def test_point_forecasts_mean_and_median() -> None:
    from growthpilot.customers.scores import median_purchases, point_forecast
    from growthpilot.errors import ConfigError

    pred = pd.DataFrame({"expected_purchases": [0.3, 1.5, 6.0], "expected_spend": [30.0, 150.0, 600.0],
                         "p_purchase": [0.2, 0.7, 0.99]})
    n, s = point_forecast(pred)
    np.testing.assert_allclose(n, pred.expected_purchases)
    np.testing.assert_allclose(s, pred.expected_spend)
    n, s = point_forecast(pred, "median", "median")
    np.testing.assert_allclose(n, median_purchases(pred.expected_purchases.to_numpy(), pred.p_purchase.to_numpy()))
    assert n[0] == 0 and s[0] == 0  # P(any purchase) < 0.5: the median is no purchase and no spend
    assert n[1] >= 1 and s[1] == pytest.approx(n[1] * 100.0)  # median count x expected value per purchase
    with pytest.raises(ConfigError):
        point_forecast(pred, "mode")


def test_median_purchases_is_the_median_of_a_zero_inflated_poisson() -> None:
    from scipy import stats

    from growthpilot.customers.scores import median_purchases, zip_rate

    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.99, 400)
    m_true = rng.gamma(1.0, 2.0, 400)
    alive = np.clip(p / -np.expm1(-m_true), None, 1.0)
    p = alive * -np.expm1(-m_true)  # consistent (mean, P(any)) pairs of known ZIPs
    mu = alive * m_true
    np.testing.assert_allclose(zip_rate(mu, p), m_true, rtol=1e-6)
    k = np.arange(200)[:, None]
    cdf = (1 - alive) + alive * stats.poisson.cdf(k, m_true)  # brute-force median of each ZIP
    np.testing.assert_array_equal(median_purchases(mu, p), (cdf < 0.5).sum(axis=0))
    # a propensity above 1 - exp(-mean) is not possible with that mean: it is capped (0.42 < 0.5 here)
    assert median_purchases(np.array([0.55, 0.0]), np.array([0.6, 0.3])).tolist() == [0.0, 0.0]
    assert median_purchases(np.array([50.0]), np.array([1.0]))[0] == 50


def test_early_stopping_split_keeps_customers_together() -> None:
    ids = np.repeat(np.arange(300), 3)  # each customer in three stacked windows
    val = CustomerValueModel(random_state=3)._validation_mask(len(ids), ids)
    per_customer = pd.Series(val).groupby(ids).nunique()
    assert (per_customer == 1).all() and 0.1 < val.mean() < 0.4


def test_single_class_propensity_label_gives_a_constant_rate() -> None:
    X, y = _frame(400)
    y["any"] = 1  # everyone bought again in the window (frequent buyers, long horizon)
    y["purchases"] = y.purchases.clip(lower=1)
    pred = CustomerValueModel(n_estimators=50).fit(X, y).predict(X.iloc[:10])
    assert pred.p_purchase.nunique() == 1 and 0.99 < pred.p_purchase.iloc[0] < 1.0
