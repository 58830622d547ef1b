"""Order lines from purchases: baskets, products, quantities, promotions, returns and guest orders."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from growthpilot.simulate.calendar import Calendar
from growthpilot.simulate.catalog import CATEGORY_WEIGHTS, ProductSampler
from growthpilot.simulate.config import SimConfig
from growthpilot.simulate.customers import COUNTRIES, COUNTRY_P, CustomerBlock
from growthpilot.simulate.fake import ids

ORDER_CHANNELS = np.array(["web", "app", "store"], dtype=object)
ORDERS_PER_BLOCK = 10_000_000  # order-number namespace of one customer block
SHOP_CURRENCY = "USD"  # one price list: amounts are comparable across countries


@dataclass
class OrderBlock:
    """Orders of one block: the canonical lines and order/line arrays used by events and reviews."""

    lines: pd.DataFrame       # canonical ``orders`` rows (sales, then returns)
    o_id: np.ndarray          # order ids (sales)
    o_cust: np.ndarray        # block-local customer index, -1 for guests
    o_t: np.ndarray           # day offsets
    o_amount: np.ndarray
    o_campaign: np.ndarray
    l_order: np.ndarray       # order index of each sale line
    l_prod: np.ndarray        # product row index of each sale line
    l_returned: np.ndarray    # whether the sale line was returned


def _timestamps(config: SimConfig, t: np.ndarray) -> pd.DatetimeIndex:
    return config.ts(t)


def simulate_orders(
    config: SimConfig, block: int, cb: CustomerBlock, cust: np.ndarray, t: np.ndarray, campaign: np.ndarray,
    extra_discount: np.ndarray, cal: Calendar, sampler: ProductSampler, rng: np.random.Generator,
) -> OrderBlock:
    """Turn purchases (``cust``, ``t`` inside the window) into order lines, adding guest orders and returns."""
    n_reg = cust.size
    n_anon = int(rng.poisson(config.anonymous_share / (1 - config.anonymous_share) * max(n_reg, 1)))
    p_day = cal.season[: config.days] / cal.season[: config.days].sum()
    anon_t = rng.choice(config.days, n_anon, p=p_day) + rng.random(n_anon)
    o_cust = np.concatenate([cust, np.full(n_anon, -1)])
    o_t = np.concatenate([t, anon_t])
    o_campaign = np.concatenate([campaign, np.full(n_anon, None, dtype=object)])
    day = np.minimum(o_t.astype(int), config.days - 1)
    o_disc = np.clip(cal.discount[day] + np.concatenate([extra_discount, np.zeros(n_anon)]), 0, 0.6)
    reg = o_cust >= 0
    safe = np.where(reg, o_cust, 0)
    n_orders = o_cust.size

    basket = np.where(reg, cb.basket[safe], 0.4) if n_reg else np.full(n_orders, 0.4)
    n_lines = 1 + rng.poisson(basket)
    l_order = np.repeat(np.arange(n_orders), n_lines)
    starts = np.cumsum(n_lines) - n_lines
    line_no = np.arange(l_order.size) - starts[l_order] + 1
    # category by the customer's preference (guests: the shop's mix), then product by popularity
    guest_cdf = np.cumsum(CATEGORY_WEIGHTS / CATEGORY_WEIGHTS.sum())
    u = rng.random(l_order.size)
    l_reg = reg[l_order]
    cat = np.empty(l_order.size, dtype=int)
    if n_reg:
        cdf = np.cumsum(cb.pref, axis=1)[safe[l_order[l_reg]]]
        cat[l_reg] = np.minimum((u[l_reg, None] > cdf).sum(axis=1), cdf.shape[1] - 1)
    cat[~l_reg] = np.minimum(np.searchsorted(guest_cdf, u[~l_reg]), len(guest_cdf) - 1)
    prod = sampler.sample(cat, rng.random(l_order.size))
    disc = o_disc[l_order]
    ps = np.where(l_reg, cb.price_sensitivity[safe[l_order]] if n_reg else 0.3, 0.3)
    qmean = np.where(l_reg, cb.qty[safe[l_order]] if n_reg else 0.2, 0.2) * (1 + 2 * ps * disc)
    qty = (1 + rng.poisson(qmean)).astype(float)
    price = sampler.price[prod]
    amount = np.round(qty * price * (1 - disc), 2)
    o_amount = np.bincount(l_order, weights=amount, minlength=n_orders)

    base = block * ORDERS_PER_BLOCK
    o_id = ids("o", base + np.arange(n_orders), width=11)
    cust_ids = ids("c", cb.number)
    o_cust_id = np.where(reg, cust_ids[safe], None) if n_reg else np.full(n_orders, None, dtype=object)
    countries = np.where(reg, cb.country[safe], COUNTRIES[rng.choice(len(COUNTRIES), n_orders, p=COUNTRY_P)])
    channel = ORDER_CHANNELS[rng.choice(3, n_orders, p=[0.6, 0.3, 0.1])]
    ts = _timestamps(config, o_t)

    # returns: low-quality products come back more often
    quality = sampler.catalog["quality"].to_numpy(float)[prod]
    p_ret = config.return_rate * np.exp(-0.6 * (quality - 0.6))
    ret_t = o_t[l_order] + rng.uniform(2, 30, l_order.size)
    returned = (rng.random(l_order.size) < np.clip(p_ret, 0, 0.5)) & (ret_t < config.days)

    sales = pd.DataFrame({
        "order_id": o_id[l_order], "line_no": line_no, "customer_id": o_cust_id[l_order],
        "product_id": sampler.catalog["product_id"].to_numpy()[prod], "ts": ts[l_order], "quantity": qty,
        "unit_price": price, "amount": amount, "discount": disc, "is_return": False,
        "channel": channel[l_order], "country": countries[l_order], "currency": SHOP_CURRENCY,
        "campaign_id": o_campaign[l_order],
    })
    rets = sales[returned].copy()
    rets["order_id"] = rets["order_id"] + "-R"
    rets["ts"] = _timestamps(config, ret_t[returned])
    rets["quantity"] = -rets["quantity"]
    rets["amount"] = -rets["amount"]
    rets["is_return"] = True
    lines = pd.concat([sales, rets], ignore_index=True)
    return OrderBlock(lines, o_id, o_cust, o_t, o_amount, o_campaign, l_order, prod, returned)
