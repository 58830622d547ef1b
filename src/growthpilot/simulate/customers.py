"""Customers and their latent traits (the BG/NBD-like process that drives their orders).

Per customer, drawn once:

* purchase rate ``lam`` (per day): Gamma heterogeneity times covariate effects
  (acquisition channel, country, age), so models with features beat plain BG/NBD;
* dropout probability ``p`` after each purchase: Beta heterogeneity, shifted by covariates;
* basket size and quantity (spend per order, gamma-gamma-like), price sensitivity in [0, 1]
  (how much promotions raise their purchase rate), and Dirichlet category preferences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from growthpilot.simulate.catalog import CATEGORY_NAMES, CATEGORY_WEIGHTS
from growthpilot.simulate.config import S_CUSTOMERS, SimConfig
from growthpilot.simulate.fake import ids, personal

CHANNELS = np.array(["organic", "search", "social", "email", "referral", "display"], dtype=object)
CHANNEL_P = np.array([0.30, 0.25, 0.15, 0.10, 0.10, 0.10])
CHANNEL_LAM = np.array([0.0, 0.1, -0.3, 0.3, 0.35, -0.4])      # log-rate effect
CHANNEL_DROP = np.array([0.0, 0.15, 0.5, -0.4, -0.5, 0.6])     # logit dropout effect

COUNTRIES = np.array(["US", "GB", "DE", "FR", "CN", "JP"], dtype=object)
COUNTRY_P = np.array([0.34, 0.14, 0.12, 0.08, 0.24, 0.08])
COUNTRY_LAM = np.array([0.0, -0.05, -0.15, -0.1, 0.3, 0.1])
LOCALE = dict(zip(COUNTRIES, ["en-US", "en-GB", "de-DE", "fr-FR", "zh-CN", "ja-JP"], strict=True))
PHONE = dict(zip(COUNTRIES, ["+1", "+44", "+49", "+33", "+86", "+81"], strict=True))
CITIES = {"US": ["New York", "Chicago", "Austin", "Seattle"], "GB": ["London", "Leeds", "Bristol"],
          "DE": ["Berlin", "Hamburg", "Munich"], "FR": ["Paris", "Lyon"], "CN": ["Shanghai", "Beijing", "Shenzhen"],
          "JP": ["Tokyo", "Osaka"]}


@dataclass
class CustomerBlock:
    """One block of customers: the public table and the latent arrays (row-aligned)."""

    table: pd.DataFrame
    number: np.ndarray        # global customer numbers
    created: np.ndarray       # day offset of the first purchase (float)
    lam: np.ndarray
    p: np.ndarray
    basket: np.ndarray        # mean number of extra lines per order
    qty: np.ndarray           # mean extra quantity per line
    price_sensitivity: np.ndarray
    pref: np.ndarray          # (n, categories) preferences
    country: np.ndarray
    channel: np.ndarray
    age: np.ndarray


def simulate_customers(config: SimConfig, block: int, with_table: bool = True) -> CustomerBlock:
    """Latent traits of one block (and, with ``with_table``, its ``customers`` rows; drawn last)."""
    lo, hi = config.block_range(block)
    n = hi - lo
    rng = config.rng(S_CUSTOMERS, block)
    number = np.arange(lo, hi)
    ch = rng.choice(len(CHANNELS), n, p=CHANNEL_P)
    co = rng.choice(len(COUNTRIES), n, p=COUNTRY_P)
    age = np.clip(np.round(rng.normal(40, 13, n)), 18, 85).astype(int)
    # first purchase: front-loaded over the window (the shop had a launch), never in the last week
    created = (config.days - 7) * rng.beta(0.8, 1.4, n)
    created = np.floor(created) + rng.random(n)
    agez = (age - 40) / 13.0
    lam = rng.gamma(0.9, 1 / 45.0, n) * np.exp(CHANNEL_LAM[ch] + COUNTRY_LAM[co] + 0.12 * agez)
    p0 = rng.beta(2.0, 9.0, n)
    p = 1 / (1 + np.exp(-(np.log(p0 / (1 - p0)) + CHANNEL_DROP[ch] - 0.25 * agez)))
    basket = rng.gamma(2.0, 0.55, n)
    qty = rng.gamma(1.5, 0.2, n) * np.exp(0.15 * agez)
    ps = rng.beta(2.0, 3.0, n) + 0.15 * (CHANNELS[ch] == "display") + 0.1 * (agez < 0)
    ps = np.clip(ps, 0, 1)
    pref = rng.dirichlet(CATEGORY_WEIGHTS * 4.0, n)
    cn = COUNTRIES[co] == "CN"
    pref[cn, CATEGORY_NAMES.index("tea")] += 0.15  # regional taste
    pref /= pref.sum(axis=1, keepdims=True)

    country = COUNTRIES[co]
    if not with_table:
        return CustomerBlock(pd.DataFrame(), number, created, lam, p, basket, qty, ps, pref, country, CHANNELS[ch], age)
    pick = rng.integers(0, 12, n)
    city = np.empty(n, dtype=object)
    for code, names in CITIES.items():
        m = country == code
        city[m] = np.asarray(names, dtype=object)[pick[m] % len(names)]
    pers = personal(rng, number, city, pd.Series(country).map(PHONE).to_numpy(dtype=object))
    created_ts = config.ts(created)
    table = pd.DataFrame({
        "customer_id": ids("c", number), "created_at": created_ts, "country": country, "city": city,
        "locale": pd.Series(country).map(LOCALE).to_numpy(dtype=object), "acquisition_channel": CHANNELS[ch],
        "email": pers["email"], "phone": pers["phone"], "name": pers["name"], "address": pers["address"],
        "birth_year": config.start_ts.year - age,
    })
    return CustomerBlock(table, number, created, lam, p, basket, qty, ps, pref, country, CHANNELS[ch], age)
