"""A randomised offers experiment with known per-customer uplift for every offer.

Customers get observable traits (recency, frequency, basket value, e-mail engagement, region, ...) and
latent ones (price sensitivity, annoyance with contact). The chance to buy in the campaign window without
an offer (``base_prob``) grows with frequency and falls with recency; each offer shifts the log-odds by an
amount that depends on the traits, so the best offer differs between customers:

* discounts help price-sensitive customers, scaled by the discount depth;
* free shipping helps small baskets most;
* an SMS reminder helps customers who ignore e-mail, and annoys some frequent buyers (negative uplift);
* customers who buy anyway ("sure things") gain little from any offer but still cost the discount.

``true_uplift`` is the exact difference of probabilities, not a noisy draw, so plans built from it are the
oracle. Economics per customer and offer: margin of an order = ``order_value * gross_margin``; expected
offer cost = ``contact_cost + P(buy | offer) * (discount * order_value + shipping_cost)``.

>>> df, truth = simulate_offers_experiment(1000, seed=1)
>>> sorted(df["arm"].unique())[:2], truth.columns.tolist()[:3]
(['control', 'discount_10'], ['customer_id', 'arm', 'base_prob'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

GROSS_MARGIN = 0.45


@dataclass(frozen=True)
class Offer:
    """One item of the offer menu."""

    name: str
    discount: float = 0.0
    shipping_cost: float = 0.0
    contact_cost: float = 0.05
    channel: str = "email"


DEFAULT_OFFERS: tuple[Offer, ...] = (
    Offer("discount_10", discount=0.10),
    Offer("discount_20", discount=0.20),
    Offer("free_shipping", shipping_cost=6.0),
    Offer("sms_reminder", contact_cost=0.12, channel="sms"),
)

FEATURES = ("recency_days", "orders_12m", "avg_order_value", "tenure_days", "email_open_rate",
            "discount_share", "region", "device")


def _customers(n: int, rng: np.random.Generator) -> pd.DataFrame:
    orders = rng.poisson(rng.gamma(1.5, 2.0, n))
    recency = np.minimum(rng.exponential(60 + 200 / (1 + orders)), 720).round()
    aov = np.exp(rng.normal(3.7, 0.5, n)).round(2)
    price_sens = rng.beta(2, 3, n)
    return pd.DataFrame({
        "customer_id": [f"oc{i:07d}" for i in range(n)],
        "recency_days": recency,
        "orders_12m": orders,
        "avg_order_value": aov,
        "tenure_days": rng.integers(30, 2000, n),
        "email_open_rate": rng.beta(2, 5, n).round(3),
        # what share of past orders used a coupon: a noisy view of the latent price sensitivity
        "discount_share": np.clip(price_sens + rng.normal(0, 0.15, n), 0, 1).round(3),
        "region": rng.choice(["north", "south", "east", "west"], n, p=[0.3, 0.3, 0.2, 0.2]),
        "device": rng.choice(["mobile", "desktop"], n, p=[0.65, 0.35]),
        "_price_sens": price_sens,
        "_annoyance": rng.beta(1.2, 6, n),
    })


def _effects(c: pd.DataFrame, offers: tuple[Offer, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Base log-odds and the log-odds shift of every offer, shape (n, n_offers)."""
    base = (-2.6 + 0.28 * np.log1p(c["orders_12m"]) * 2 - 0.004 * c["recency_days"]
            + 0.5 * (c["device"] == "desktop") + 0.2 * (c["region"] == "south")).to_numpy()
    sure = expit(base)  # customers likely to buy anyway respond less (log-odds ceiling)
    shifts = []
    for o in offers:
        s = np.zeros(len(c))
        if o.discount:
            s += 9.0 * o.discount * (c["_price_sens"].to_numpy() - 0.15) * (1 - sure)
        if o.shipping_cost:
            s += 0.9 * np.clip((70 - c["avg_order_value"].to_numpy()) / 50, -0.3, 1.0) * (1 - sure)
        if o.channel == "sms":
            s += 1.1 * (0.35 - c["email_open_rate"].to_numpy()) - 3.0 * c["_annoyance"].to_numpy() * (
                c["orders_12m"].to_numpy() > 3)
        elif o.discount or o.shipping_cost:
            s += 0.6 * c["email_open_rate"].to_numpy() - 0.8 * c["_annoyance"].to_numpy()
        shifts.append(s)
    return base, np.column_stack(shifts)


def offer_costs(order_value: np.ndarray, p_treated: np.ndarray, offers: tuple[Offer, ...]) -> np.ndarray:
    """Expected cost of giving each offer to each customer: contact plus the redeemed discount/shipping."""
    order_value = np.asarray(order_value, dtype=float)[:, None]
    disc = np.array([o.discount for o in offers])[None, :]
    ship = np.array([o.shipping_cost for o in offers])[None, :]
    contact = np.array([o.contact_cost for o in offers])[None, :]
    return contact + np.clip(p_treated, 0, 1) * (disc * order_value + ship)


def simulate_offers_experiment(
    n: int = 20000,
    offers: tuple[Offer, ...] = DEFAULT_OFFERS,
    seed: int = 0,
    *,
    randomize: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customers randomised over control and every offer, their outcomes, and the truth.

    Parameters
    ----------
    n : customers.
    offers : the offer menu.
    seed : random seed.
    randomize : assign arms uniformly at random (``arm`` column); without it everybody is ``control``
        (fresh customers to target).

    Returns
    -------
    df : ``customer_id``, the features in :data:`FEATURES`, ``arm``, ``converted`` (0/1) and
        ``revenue`` (order value net of discount; 0 without purchase).
    truth : long table ``customer_id, arm, base_prob, true_uplift, p_treated, margin, cost,
        true_profit`` with one row per customer and offer.
    """
    rng = np.random.default_rng(seed)
    c = _customers(n, rng)
    base, shift = _effects(c, offers)
    p0 = expit(base)
    p = expit(base[:, None] + shift)
    names = [o.name for o in offers]
    arm_idx = rng.integers(-1, len(offers), n) if randomize else np.full(n, -1)
    p_obs = np.where(arm_idx < 0, p0, p[np.arange(n), np.maximum(arm_idx, 0)])
    converted = (rng.random(n) < p_obs).astype(int)
    value = c["avg_order_value"].to_numpy() * np.exp(rng.normal(0, 0.3, n))
    disc = np.array([0.0, *[o.discount for o in offers]])[arm_idx + 1]
    df = c[["customer_id", *FEATURES]].copy()
    df["arm"] = np.array(["control", *names])[arm_idx + 1]
    df["converted"] = converted
    df["revenue"] = np.round(converted * value * (1 - disc), 2)
    margin = c["avg_order_value"].to_numpy() * GROSS_MARGIN
    cost = offer_costs(c["avg_order_value"].to_numpy(), p, offers)
    uplift = p - p0[:, None]
    truth = pd.DataFrame({
        "customer_id": np.repeat(c["customer_id"].to_numpy(), len(offers)),
        "arm": np.tile(names, n),
        "base_prob": np.repeat(p0, len(offers)),
        "true_uplift": uplift.ravel(),
        "p_treated": p.ravel(),
        "margin": np.repeat(margin, len(offers)),
        "cost": cost.ravel(),
    })
    truth["true_profit"] = truth["true_uplift"] * truth["margin"] - truth["cost"]
    return df, truth
