"""Randomised e-mail campaigns with known, heterogeneous uplift per customer.

For a send at time ``s`` with conversion window ``W``, a customer who is still active
converts organically with ``b = 1 - exp(-lam * Lambda(s, s + W))`` (their latent process).
Each treatment arm has an effect ``v(x)`` that depends on the customer's features:

* ``v > 0``: with probability ``v`` the e-mail causes one extra order in the window, so
  ``true_uplift = alive * v * (1 - b)``;
* ``v < 0``: with probability ``|v|`` the e-mail puts the customer off and their organic
  orders in the window do not happen, so ``true_uplift = -alive * b * |v|``.

Control customers are in ``sends`` with arm ``control`` (status ``holdout``) and get no e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from growthpilot.simulate.catalog import CATEGORY_NAMES
from growthpilot.simulate.config import S_PLAN, SimConfig
from growthpilot.simulate.customers import CustomerBlock
from growthpilot.simulate.fake import ids
from growthpilot.simulate.process import Intensity, Purchases

OFFERS = ("discount_10", "free_shipping", "new_arrivals", "bundle", "loyalty_points")
WINDOW_DAYS = 14
TREATED_ARMS = ("email_a", "email_b")


def campaign_plan(config: SimConfig) -> pd.DataFrame:
    """The ``campaigns`` table plus latent effect coefficients (columns starting with ``coef_``)."""
    rng = config.rng(S_PLAN)
    n = config.campaigns
    first, last = 45, config.days - WINDOW_DAYS - 5
    starts = np.linspace(first, max(first, last), n) if n > 1 else np.array([first])
    rows = []
    for k in range(n):
        offer = OFFERS[k % len(OFFERS)]
        arms = ["control", "email_a"] + (["email_b"] if k % 2 == 0 else [])
        start = config.start_ts + pd.Timedelta(days=int(starts[k]), hours=9)
        row = {
            "campaign_id": f"cmp{k + 1:03d}", "name": f"{offer.replace('_', ' ').title()} #{k + 1}",
            "channel": "email", "offer": offer, "start_ts": start,
            "end_ts": start + pd.Timedelta(days=WINDOW_DAYS), "budget": float(rng.integers(5, 50) * 100),
            "status": "completed", "arms": ",".join(arms),
            "featured_category": CATEGORY_NAMES[int(rng.integers(len(CATEGORY_NAMES)))],
            "audience_share": float(rng.uniform(0.4, 0.8)),
        }
        for arm in TREATED_ARMS:
            row[f"coef_{arm}"] = rng.normal(0, 1, 6).tolist()
        rows.append(row)
    columns = ["campaign_id", "name", "channel", "offer", "start_ts", "end_ts", "budget", "status", "arms",
               "featured_category", "audience_share", *(f"coef_{a}" for a in TREATED_ARMS)]
    return pd.DataFrame(rows, columns=columns)


def _effect(coef: list[float], offer: str, ps: np.ndarray, recency: np.ndarray, age: np.ndarray,
            pref_featured: np.ndarray, social: np.ndarray) -> np.ndarray:
    """Heterogeneous effect ``v`` of one arm (probability scale, can be negative)."""
    c = np.asarray(coef)
    discount = offer in ("discount_10", "bundle", "free_shipping")
    v = (0.01 + 0.01 * c[0]
         + (0.08 + 0.02 * c[1]) * ps * discount                      # deal seekers answer discounts
         + (0.03 + 0.01 * c[2]) * (recency > 60)                     # lapsing customers are won back
         - (0.07 + 0.02 * abs(c[3])) * (recency < 10) * (ps < 0.4)   # recent full-price buyers are annoyed
         + (0.12 + 0.03 * c[4]) * pref_featured                      # featured category fits their taste
         - (0.02 + 0.01 * abs(c[5])) * (age > 60) - 0.015 * social)
    return np.clip(v, -0.5, 0.6)


@dataclass
class CampaignBlock:
    sends: pd.DataFrame
    truth: pd.DataFrame
    extra_cust: np.ndarray      # incremental orders caused by e-mails
    extra_t: np.ndarray
    extra_campaign: np.ndarray
    extra_discount: np.ndarray
    suppress: np.ndarray        # mask over purchases removed by negative effects
    clicks: pd.DataFrame        # opens and clicks: customer, campaign_id, ts, outcome_type


def simulate_campaigns(config: SimConfig, block: int, plan: pd.DataFrame, cb: CustomerBlock, pur: Purchases,
                       email_ok: np.ndarray, intensity: Intensity, rng: np.random.Generator) -> CampaignBlock:
    n = len(cb.lam)
    key = pur.cust * 1e6 + pur.t
    suppress = np.zeros(pur.t.size, dtype=bool)
    sends, truths, clicks = [], [], []
    extra = {"cust": [], "t": [], "campaign": [], "discount": []}
    for c in plan.to_dict("records"):
        s = (c["start_ts"] - config.start_ts) / pd.Timedelta(days=1)
        eligible = (cb.created < s) & email_ok & (rng.random(n) < c["audience_share"])
        who = np.flatnonzero(eligible)
        arms = c["arms"].split(",")
        arm = np.asarray(arms, dtype=object)[rng.integers(len(arms), size=who.size)]
        send_t = s + rng.uniform(0, 0.25, who.size)
        alive = (send_t < pur.drop_t[who]).astype(float)
        lam_w = cb.lam[who] * intensity.between(send_t, send_t + WINDOW_DAYS, cb.price_sensitivity[who])
        b = alive * (1 - np.exp(-lam_w))
        last = np.searchsorted(key, who * 1e6 + send_t) - 1
        recency = send_t - pur.t[np.maximum(last, 0)]
        pref = cb.pref[who, CATEGORY_NAMES.index(c["featured_category"])]
        social = (cb.channel[who] == "social").astype(float)
        v = {a: _effect(c[f"coef_{a}"], c["offer"], cb.price_sensitivity[who], recency, cb.age[who], pref, social)
             for a in arms if a != "control"}
        uplift = {a: np.where(va >= 0, alive * va * (1 - b), b * va) for a, va in v.items()}
        own = np.zeros(who.size)
        vv = np.zeros(who.size)
        for a in v:
            m = arm == a
            own[m], vv[m] = uplift[a][m], v[a][m]
        u = rng.random(who.size)
        add = (vv > 0) & (u < vv) & (alive > 0)
        drop = (vv < 0) & (u < -vv)
        lo = np.searchsorted(key, who[drop] * 1e6 + send_t[drop])
        hi = np.searchsorted(key, who[drop] * 1e6 + send_t[drop] + WINDOW_DAYS)
        for a0, a1 in zip(lo, hi, strict=True):
            suppress[a0:a1] = True
        discount = 0.1 if c["offer"] == "discount_10" else 0.0
        extra["cust"].append(who[add])
        extra["t"].append(send_t[add] + rng.uniform(0.02, 3.0, int(add.sum())))
        extra["campaign"].append(np.full(int(add.sum()), c["campaign_id"], dtype=object))
        extra["discount"].append(np.full(int(add.sum()), discount))
        treated = arm != "control"
        opened = treated & ((rng.random(who.size) < 0.22 + 0.3 * (vv > 0.05)) | add)
        clicked = opened & ((rng.random(who.size) < 0.12) | add)
        for kind, m, lag in (("open", opened, 0.1), ("click", clicked, 0.15)):
            clicks.append({"cust": who[m], "campaign_id": c["campaign_id"],
                           "t": send_t[m] + lag + rng.uniform(0, 1.0, int(m.sum())), "outcome_type": kind})
        sends.append({
            "campaign_id": c["campaign_id"], "_cust": who, "arm": arm, "_t": send_t,
            "channel": np.where(treated, "email", None), "status": np.where(treated, "delivered", "holdout"),
            "cost": np.where(treated, 0.002, 0.0),
        })
        truth = {"campaign_id": c["campaign_id"], "_cust": who, "arm": arm, "base_prob": b, "true_uplift": own,
                 "alive": alive > 0}
        for a in TREATED_ARMS:
            truth[f"true_uplift_{a}"] = uplift[a] if a in uplift else np.nan
        truths.append(truth)
    cust_ids = ids("c", cb.number)
    sends_df = _stack(sends, ["campaign_id", "_cust", "arm", "_t", "channel", "status", "cost"])
    sends_df.insert(0, "send_id", ids("s", block * 10_000_000 + np.arange(len(sends_df)), width=11))
    sends_df.insert(2, "customer_id", cust_ids[sends_df["_cust"].to_numpy(int)])
    sends_df.insert(4, "ts", config.ts(sends_df["_t"].to_numpy(float)))
    truth_df = _stack(truths, ["campaign_id", "_cust", "arm", "base_prob", "true_uplift", "alive",
                               *(f"true_uplift_{a}" for a in TREATED_ARMS)])
    truth_df.insert(1, "customer_id", cust_ids[truth_df.pop("_cust").to_numpy(int)])
    cat = {k: np.concatenate(v) if v else np.array([]) for k, v in extra.items()}
    return CampaignBlock(
        sends_df, truth_df,
        cat["cust"].astype(int), cat["t"].astype(float), cat["campaign"].astype(object), cat["discount"].astype(float),
        suppress, _stack(clicks, ["cust", "campaign_id", "t", "outcome_type"]),
    )


def _stack(parts: list[dict], columns: list[str]) -> pd.DataFrame:
    """Concatenate per-campaign column dicts (scalars broadcast) into one frame."""
    out = {}
    for col in columns:
        arrays = []
        for part in parts:
            n = len(part["_cust"] if "_cust" in part else part["cust"])
            v = part[col]
            arrays.append(np.full(n, v, dtype=object if isinstance(v, str) else float)
                          if np.isscalar(v) else np.asarray(v))
        out[col] = np.concatenate(arrays) if arrays else np.array([])
    return pd.DataFrame(out)
