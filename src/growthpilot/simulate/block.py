"""One block of customers, simulated end to end: their orders, events, campaigns, reviews and truth."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from growthpilot.simulate.calendar import Calendar, build_calendar
from growthpilot.simulate.campaigns import WINDOW_DAYS, campaign_plan, simulate_campaigns
from growthpilot.simulate.catalog import CATEGORY_NAMES, ProductSampler, simulate_catalog
from growthpilot.simulate.config import (
    S_CAMPAIGNS,
    S_CONSENT,
    S_EVENTS,
    S_ORDERS,
    S_REVIEWS,
    SimConfig,
)
from growthpilot.simulate.consent import simulate_consent
from growthpilot.simulate.customers import simulate_customers
from growthpilot.simulate.events import simulate_events
from growthpilot.simulate.fake import ids, join
from growthpilot.simulate.orders import simulate_orders
from growthpilot.simulate.process import Intensity, expected_future, p_alive, simulate_purchases
from growthpilot.simulate.reviews import simulate_reviews

BLOCK_TABLES = ("customers", "orders", "events", "sends", "outcomes", "reviews", "consent",
                "truth_customers", "truth_uplift", "truth_reviews")
ATTRIBUTION_DAYS = 7


@dataclass
class ShopContext:
    """What every block shares: the catalogue, the calendar and the campaign plan."""

    config: SimConfig

    @cached_property
    def catalog(self) -> pd.DataFrame:
        return simulate_catalog(self.config)

    @cached_property
    def sampler(self) -> ProductSampler:
        return ProductSampler(self.catalog)

    @cached_property
    def calendar(self) -> Calendar:
        return build_calendar(self.config)

    @cached_property
    def intensity(self) -> Intensity:
        return Intensity(self.calendar)

    @cached_property
    def plan(self) -> pd.DataFrame:
        return campaign_plan(self.config)


def _attribute(cust: np.ndarray, t: np.ndarray, campaign: np.ndarray, clicks: pd.DataFrame) -> np.ndarray:
    """Last-click attribution: orders within a week after a click carry the campaign id."""
    campaign = campaign.copy()
    if not len(clicks):
        return campaign
    key = cust * 1e6 + t
    c = clicks[clicks["outcome_type"] == "click"]
    lo = np.searchsorted(key, c["cust"].to_numpy() * 1e6 + c["t"].to_numpy())
    hi = np.searchsorted(key, c["cust"].to_numpy() * 1e6 + c["t"].to_numpy() + ATTRIBUTION_DAYS)
    for a, b, cid in zip(lo, hi, c["campaign_id"].to_numpy(), strict=True):
        seg = campaign[a:b]
        seg[pd.isna(seg)] = cid
        campaign[a:b] = seg
    return campaign


def simulate_block(ctx: ShopContext, block: int, only_orders: bool = False) -> dict[str, pd.DataFrame]:
    """All per-customer tables of one block (``only_orders`` skips events, reviews and truth)."""
    config, cal = ctx.config, ctx.calendar
    cb = simulate_customers(config, block, with_table=not only_orders)
    cust_ids = ids("c", cb.number)
    rng = config.rng(S_ORDERS, block)
    pur = simulate_purchases(cb, cal, config.days, rng)
    consent = simulate_consent(config.rng(S_CONSENT, block), cust_ids, config.ts(cb.created), cb.country,
                               config.end_ts)
    email_ok = consent["granted"].to_numpy()[: len(cust_ids)]  # first pair is (email, marketing)
    camp = simulate_campaigns(config, block, ctx.plan, cb, pur, email_ok, ctx.intensity,
                              config.rng(S_CAMPAIGNS, block))
    keep = ~camp.suppress
    cust = np.concatenate([pur.cust[keep], camp.extra_cust])
    t = np.concatenate([pur.t[keep], camp.extra_t])
    cid = np.concatenate([np.full(int(keep.sum()), None, dtype=object), camp.extra_campaign])
    disc = np.concatenate([np.zeros(int(keep.sum())), camp.extra_discount])
    order = np.lexsort((t, cust))
    cust, t, cid, disc = cust[order], t[order], cid[order], disc[order]
    cid = _attribute(cust, t, cid, camp.clicks)
    ob = simulate_orders(config, block, cb, cust, t, cid, disc, cal, ctx.sampler, rng)
    out = {"orders": ob.lines}
    if only_orders:
        return out

    n_reg = cust.size
    okey = cust * 1e6 + t
    csum = np.concatenate([[0.0], np.cumsum(ob.o_amount[:n_reg])])
    s = camp.sends
    outcomes = []
    if len(s):
        sc, st = s["_cust"].to_numpy(), s["_t"].to_numpy()
        lo = np.searchsorted(okey, sc * 1e6 + st)
        hi = np.searchsorted(okey, sc * 1e6 + st + WINDOW_DAYS)
        conv = hi > lo
        outcomes.append(pd.DataFrame({"campaign_id": s["campaign_id"].to_numpy()[conv], "cust": sc[conv],
                                      "t": ob.o_t[lo[conv]], "outcome_type": "conversion",
                                      "value": (csum[hi] - csum[lo])[conv]}))
    if len(camp.clicks):
        outcomes.append(camp.clicks.assign(value=np.nan))
    oc = pd.concat(outcomes, ignore_index=True) if outcomes else pd.DataFrame(
        columns=["campaign_id", "cust", "t", "outcome_type", "value"])
    oc = oc[oc["t"] < config.days]
    outcomes_df = pd.DataFrame({
        "outcome_id": ids("oc", block * 10_000_000 + np.arange(len(oc)), width=11),
        "campaign_id": oc["campaign_id"].to_numpy(), "customer_id": cust_ids[oc["cust"].to_numpy().astype(int)],
        "ts": config.ts(oc["t"].to_numpy(float)),
        "outcome_type": oc["outcome_type"].to_numpy(), "value": oc["value"].to_numpy(float),
    })
    n_orders = np.bincount(cust, minlength=len(cust_ids))
    active_until = np.minimum(pur.drop_t + 14, config.days)
    events = simulate_events(config, block, ob, cust_ids, cb.created, active_until, n_orders, camp.clicks,
                             ctx.sampler, config.rng(S_EVENTS, block))
    sale = ob.l_order < n_reg
    lines = ob.lines.iloc[: ob.l_order.size][sale]
    cat = ctx.catalog["category"].to_numpy()[ob.l_prod[sale]]
    quality = ctx.catalog["quality"].to_numpy()[ob.l_prod[sale]]
    zh = cb.country[ob.o_cust[ob.l_order[sale]]] == "CN"
    days_left = config.days - ob.o_t[ob.l_order[sale]]
    reviews, truth_reviews = simulate_reviews(config.rng(S_REVIEWS, block), block, lines, quality, cat,
                                              ob.l_returned[sale], zh, config.review_rate, days_left,
                                              (ctx.catalog["title"].to_numpy()[ob.l_prod[sale]],
                                               ctx.catalog["title_zh"].to_numpy()[ob.l_prod[sale]]))
    out.update({
        "customers": cb.table, "events": events, "sends": s.drop(columns=["_cust", "_t"], errors="ignore"),
        "outcomes": outcomes_df, "reviews": reviews, "consent": consent,
        "truth_customers": _truth_customers(ctx, cb, pur, cust, t, cust_ids),
        "truth_uplift": camp.truth, "truth_reviews": truth_reviews,
    })
    return out


def _truth_customers(ctx: ShopContext, cb, pur, cust: np.ndarray, t: np.ndarray, cust_ids: np.ndarray) -> pd.DataFrame:
    config = ctx.config
    n = len(cust_ids)
    last_t = cb.created.copy()
    np.maximum.at(last_t, cust, t)  # the last order actually placed (campaigns add and remove some)
    alive = pur.alive_end
    spend = (1 + cb.basket) * (1 + cb.qty) * (cb.pref @ ctx.sampler.mean_price)
    exp_n = expected_future(cb, ctx.intensity, config.days, config.horizon_days, alive.astype(float))
    drop_ts = config.ts(np.where(np.isfinite(pur.drop_t), pur.drop_t, 0.0)).astype(object)
    drop_ts[~np.isfinite(pur.drop_t)] = None
    parts: list = ["{"]
    for j, name in enumerate(CATEGORY_NAMES):
        parts += [("" if j == 0 else ", ") + f'"{name}": ', np.round(cb.pref[:, j], 4).astype(str)]
    prefs = join(*parts, "}")
    return pd.DataFrame({
        "customer_id": cust_ids, "purchase_rate": cb.lam, "dropout_prob": cb.p,
        "expected_lifetime_purchases": 1 / cb.p, "dropout_ts": drop_ts, "alive_at_end": alive,
        "p_alive": p_alive(cb, last_t, ctx.intensity, config.days), "mean_spend_per_order": spend,
        "price_sensitivity": cb.price_sensitivity,
        "preferred_category": np.asarray(CATEGORY_NAMES, dtype=object)[cb.pref.argmax(axis=1)],
        "category_preferences": prefs, "purchases_in_window": np.bincount(cust, minlength=n),
        "horizon_days": config.horizon_days, "expected_purchases_horizon": exp_n,
        "expected_spend_horizon": exp_n * spend, "realised_purchases_horizon": pur.n_future,
        "acquisition_channel": cb.channel, "country": cb.country, "age": cb.age,
    })
