"""Browsing and e-mail events: views and carts before purchases, sessions without a purchase, opens, clicks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.simulate.catalog import CATEGORY_NAMES, ProductSampler
from growthpilot.simulate.config import SimConfig
from growthpilot.simulate.fake import ids, join
from growthpilot.simulate.orders import OrderBlock

EVENTS_PER_BLOCK = 100_000_000


def _ts(config: SimConfig, t: np.ndarray) -> pd.DatetimeIndex:
    return config.ts(t)


def _column(frame: dict, col: str) -> np.ndarray:
    """One column of a part as an array of the part's length (scalars and None broadcast)."""
    n = len(frame["t"])
    v = frame[col]
    if v is None:
        return np.full(n, np.nan) if col in ("value", "t") else np.full(n, None, dtype=object)
    if isinstance(v, str):
        return np.full(n, v, dtype=object)
    return np.asarray(v, dtype=float if col in ("value", "t") else object)


def simulate_events(config: SimConfig, block: int, ob: OrderBlock, cust_ids: np.ndarray, created: np.ndarray,
                    active_until: np.ndarray, n_orders: np.ndarray, email: pd.DataFrame, sampler: ProductSampler,
                    rng: np.random.Generator) -> pd.DataFrame:
    """All events of one block, in a deterministic order, with ``event_id``."""
    pid = sampler.catalog["product_id"].to_numpy()
    n_cat = len(CATEGORY_NAMES)
    o_cust_id = np.where(ob.o_cust >= 0, cust_ids[np.maximum(ob.o_cust, 0)], None)
    o_sess = ids("so", np.arange(ob.o_t.size) + block * 10_000_000, width=11)
    parts = []
    # purchase sessions: a view and a cart per line, a few extra views, then the purchase
    lo = ob.l_order
    t_line = ob.o_t[lo]
    parts.append(("view", lo, t_line - rng.uniform(2, 40, lo.size) / 1440, pid[ob.l_prod], None))
    parts.append(("cart", lo, t_line - rng.uniform(0.5, 2, lo.size) / 1440, pid[ob.l_prod], None))
    k = rng.poisson(0.8, ob.o_t.size)
    xo = np.repeat(np.arange(ob.o_t.size), k)
    xp = sampler.sample(rng.integers(n_cat, size=xo.size), rng.random(xo.size))
    parts.append(("view", xo, ob.o_t[xo] - rng.uniform(3, 60, xo.size) / 1440, pid[xp], None))
    all_o = np.arange(ob.o_t.size)
    parts.append(("purchase", all_o, ob.o_t, None, ob.o_amount))
    frames = []
    for etype, oi, t, prod, value in parts:
        frames.append({
            "customer_id": o_cust_id[oi], "t": t, "event_type": etype, "product_id": prod, "campaign_id": None,
            "session_id": o_sess[oi], "value": value,
            "properties": join('{"order_id": "', ob.o_id[oi], '"}') if etype == "purchase" else None,
        })
    # browsing sessions without a purchase
    ns = rng.poisson(0.6 * n_orders + 0.3)
    sc = np.repeat(np.arange(ns.size), ns)
    span = np.maximum(np.minimum(active_until[sc], config.days) - created[sc], 0.01)
    st = created[sc] + rng.random(sc.size) * span
    nv = 1 + rng.poisson(1.5, sc.size)
    vs = np.repeat(np.arange(sc.size), nv)
    vt = st[vs] + rng.uniform(0, 20, vs.size) / 1440
    vp = sampler.sample(rng.integers(n_cat, size=vs.size), rng.random(vs.size))
    sess = ids("sb", np.arange(sc.size) + block * 10_000_000, width=11)
    frames.append({"customer_id": cust_ids[sc[vs]], "t": vt, "event_type": "view",
                   "product_id": pid[vp], "campaign_id": None, "session_id": sess[vs],
                   "value": None, "properties": None})
    last = np.cumsum(nv) - 1
    carts = rng.random(sc.size) < 0.25
    frames.append({"customer_id": cust_ids[sc[carts]], "t": vt[last[carts]] + 1 / 1440,
                   "event_type": "cart", "product_id": pid[vp[last[carts]]], "campaign_id": None,
                   "session_id": sess[carts], "value": None, "properties": None})
    if len(email):
        frames.append({"customer_id": cust_ids[email["cust"].to_numpy()], "t": email["t"].to_numpy(),
                       "event_type": email["outcome_type"].to_numpy(), "product_id": None,
                       "campaign_id": email["campaign_id"].to_numpy(), "session_id": None,
                       "value": None, "properties": None})
    ev = pd.DataFrame({col: np.concatenate([_column(f, col) for f in frames]) for col in frames[0]})
    ev = ev[(ev["t"] >= 0) & (ev["t"] < config.days)].reset_index(drop=True)
    ev.insert(0, "event_id", ids("e", block * EVENTS_PER_BLOCK + np.arange(len(ev)), width=13))
    ev.insert(2, "ts", _ts(config, ev.pop("t").to_numpy()))
    return ev
