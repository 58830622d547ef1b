"""The simulated shop: contracts, determinism, realism of orders/events/reviews, bilingual text."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import ConfigError
from growthpilot.simulate import ALL_TABLES, SimConfig, simulate_shop
from growthpilot.warehouse.contracts import INPUT_TABLES, all_contracts

CJK = re.compile(r"[\u4e00-\u9fff]")
SMALL = SimConfig(customers=400, products=60, days=240, seed=5, campaigns=3)


@pytest.fixture(scope="module")
def shop() -> dict[str, pd.DataFrame]:
    return simulate_shop(SimConfig(customers=2000, seed=42))


def test_every_table_present_and_conforms(shop):
    assert set(ALL_TABLES) == set(shop)
    contracts = all_contracts()
    for name in (*INPUT_TABLES, "truth_customers", "truth_uplift", "truth_channels", "truth_reviews", "mmm_lift_tests"):
        df, c = shop[name], contracts[name]
        assert len(df) > 0, name
        assert list(df.columns) == list(c.columns), name
        pd.testing.assert_frame_equal(c.conform(df, strict=True), df, check_dtype=True, obj=name)
        for col in c.required:
            assert df[col].notna().all(), (name, col)
        assert not df.duplicated(list(c.keys)).any(), name


def test_deterministic_and_seed_dependent():
    a, b = simulate_shop(SMALL), simulate_shop(SMALL)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    c = simulate_shop(SimConfig(customers=400, products=60, days=240, seed=6, campaigns=3))
    assert not a["orders"]["amount"].equals(c["orders"]["amount"])


def test_referential_integrity(shop):
    customers = set(shop["customers"].customer_id)
    products = set(shop["products"].product_id)
    o = shop["orders"]
    assert set(o.customer_id.dropna()) <= customers
    assert set(o.product_id) <= products
    assert set(shop["sends"].campaign_id) <= set(shop["campaigns"].campaign_id)
    assert set(shop["reviews"].product_id) <= products
    assert set(shop["truth_reviews"].review_id) == set(shop["reviews"].review_id)
    assert set(shop["truth_customers"].customer_id) == customers
    t = shop["truth_uplift"].merge(shop["sends"], on=["campaign_id", "customer_id"])
    assert len(t) == len(shop["sends"]) and (t.arm_x == t.arm_y).all()
    end = SimConfig().end_ts
    for name, col in (("orders", "ts"), ("events", "ts"), ("reviews", "ts"), ("outcomes", "ts"), ("consent", "ts")):
        assert shop[name][col].max() < end, name


def test_orders_have_returns_guests_promotions_and_baskets(shop):
    o = shop["orders"]
    ret = o[o.is_return]
    assert 0.01 < len(ret) / len(o) < 0.1
    assert (ret.quantity < 0).all() and (ret.amount < 0).all()
    sale = o[~o.is_return]
    assert (sale.quantity > 0).all()
    assert 0.02 < o.customer_id.isna().mean() < 0.2
    assert np.allclose(sale.amount, (sale.quantity * sale.unit_price * (1 - sale.discount)).round(2))
    assert ((sale.discount > 0).mean() > 0.05) and (sale.discount < 1).all()
    assert sale.groupby("order_id").size().max() >= 3
    assert o.campaign_id.notna().any()
    # every return refers to a sold line
    key = ret.order_id.str.removesuffix("-R") + "#" + ret.line_no.astype(str)
    assert key.isin(sale.order_id + "#" + sale.line_no.astype(str)).all()


def test_orders_have_weekly_and_yearly_seasonality(shop):
    sale = shop["orders"][~shop["orders"].is_return]
    per_order = sale.drop_duplicates("order_id")
    dow = per_order.ts.dt.dayofweek.value_counts(normalize=True)
    assert dow[5] > dow[1]  # Saturday beats Tuesday
    month = per_order.ts.dt.month.value_counts()
    assert month[12] > month[6]


def test_events_precede_purchases_and_include_browsing(shop):
    ev = shop["events"]
    assert {"view", "cart", "purchase", "open", "click"} <= set(ev.event_type)
    purchases = ev[ev.event_type == "purchase"].set_index("session_id").ts
    views = ev[(ev.event_type == "view") & ev.session_id.isin(purchases.index)]
    assert (views.ts.to_numpy() < purchases.loc[views.session_id].to_numpy()).all()
    sessions_with_purchase = set(purchases.index)
    browse = ev[(ev.event_type == "view") & ~ev.session_id.isin(sessions_with_purchase)]
    assert browse.session_id.nunique() > 100
    mail = ev[ev.event_type.isin(["open", "click"])]
    assert mail.campaign_id.notna().all()


def test_products_bilingual(shop):
    p = shop["products"]
    assert p.title_zh.map(lambda s: bool(CJK.search(s))).all()
    assert p.description_zh.map(lambda s: bool(CJK.search(s))).all()
    assert not p.title.map(lambda s: bool(CJK.search(s))).any()
    assert p.category.nunique() == 8 and (p.cost < p.price).all() and (p.price > 0).all()
    assert (~p.in_stock).any()


def test_reviews_sentiment_consistent_and_not_one_word(shop):
    r = shop["reviews"].merge(shop["truth_reviews"], on="review_id")
    assert set(r.sentiment) == {"positive", "negative", "neutral"}
    assert (r.loc[r.sentiment == "positive", "rating_x"] >= 4).all()
    assert (r.loc[r.sentiment == "negative", "rating_x"] <= 2).all()
    zh = r[r.language == "zh"]
    assert len(zh) > 20 and zh.text.map(lambda s: bool(CJK.search(s))).all()
    en = r[r.language == "en"]
    assert not en.text.map(lambda s: bool(CJK.search(s))).any()
    # no single word separates positive from negative reviews
    words = en.text.str.lower().str.findall(r"[a-z']+").map(set)
    for word in ("not", "but", "quality", "delivery"):
        has = words.map(lambda ws, w=word: w in ws)
        labels = set(en.sentiment[has])
        assert {"positive", "negative"} <= labels, word


def test_consent_has_denials(shop):
    c = shop["consent"]
    assert set(c.channel) == {"email", "sms", "push", "ads"}
    rate = c.groupby("channel").granted.mean()
    assert (rate < 0.95).all() and (rate > 0.2).all()
    sent = shop["sends"].customer_id.unique()
    email = c[(c.channel == "email") & (c.purpose == "marketing")].set_index("customer_id").granted
    assert email.loc[sent].all()  # campaigns only go to customers who allow e-mail marketing


def test_personal_fields_fake_and_unique(shop):
    cu = shop["customers"]
    assert cu.email.is_unique and cu.email.str.contains("example").all()
    assert cu.name.notna().all() and cu.phone.str.startswith("+").all()
    assert cu.created_at.min() >= SimConfig().start_ts


def test_config_validation():
    with pytest.raises(ConfigError, match="customers"):
        SimConfig(customers=0)
    with pytest.raises(ConfigError, match="start"):
        SimConfig(start="not-a-date")


@pytest.mark.parametrize("cfg", [SimConfig(customers=1, days=60, products=20),
                                 SimConfig(customers=5, days=60, products=20, campaigns=0, anonymous_share=0)])
def test_tiny_and_campaign_free_shops(cfg):
    tables = simulate_shop(cfg)
    assert len(tables["customers"]) == cfg.customers and len(tables["orders"]) > 0
    assert len(tables["campaigns"]) == cfg.campaigns
    assert list(tables["sends"].columns) == list(all_contracts()["sends"].columns)
