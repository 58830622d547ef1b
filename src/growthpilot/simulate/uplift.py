"""A randomised e-mail experiment (Hillstrom-like) with known, heterogeneous uplift.

Every customer has a base probability of visiting and of converting, and for every
treatment arm a true uplift that depends on their features, negative for some (for
example recent heavy buyers annoyed by a discount mail). Treatment is assigned at
random with equal probability per arm, so uplift models can be scored against
``truth`` row by row.

Data-generating process, on the logit scale::

    visit      ~ Bernoulli(sigmoid(a(x) + tau_arm(x)))
    conversion ~ visit * Bernoulli(sigmoid(b(x) + 0.5 * tau_arm(x)))
    spend      ~ conversion * Gamma(mean m(x))          (the arm does not change the basket)

so ``true_uplift_conversion = P(visit,conv | arm) - P(visit,conv | control)`` and the
expected spend uplift is ``true_uplift_conversion * m(x)``.

>>> df, truth = simulate_uplift_experiment(n=1000, seed=0)
>>> sorted(df.treatment.unique())
['control', 'email_a', 'email_b']
>>> len(truth) == len(df)
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from growthpilot.errors import DataError

HISTORY_SEGMENTS = ((0, 100), (100, 200), (200, 350), (350, 500), (500, 750), (750, 1000), (1000, np.inf))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _history_segment(h: np.ndarray) -> np.ndarray:
    labels = []
    for i, (lo, hi) in enumerate(HISTORY_SEGMENTS):
        labels.append(f"{i + 1}) ${lo:,.0f} +" if np.isinf(hi) else f"{i + 1}) ${lo:,.0f} - ${hi:,.0f}")
    edges = np.array([lo for lo, _ in HISTORY_SEGMENTS[1:]])
    return np.asarray(labels, dtype=object)[np.searchsorted(edges, h, side="right")]


def simulate_features(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Hillstrom-like customer features: numeric and categorical."""
    recency = rng.integers(1, 13, n)
    newbie = (rng.random(n) < 0.5).astype(int)
    history = np.round(rng.lognormal(np.log(160) + 0.25 * (1 - newbie), 0.9, n) + 29.99, 2)
    mens = (rng.random(n) < 0.55).astype(int)
    womens = np.where(mens == 1, (rng.random(n) < 0.45).astype(int), 1)
    zip_code = rng.choice(np.array(["Urban", "Suburban", "Rural"], dtype=object), n, p=[0.40, 0.45, 0.15])
    channel = rng.choice(np.array(["Web", "Phone", "Multichannel"], dtype=object), n, p=[0.44, 0.44, 0.12])
    region = rng.choice(np.array(["north", "south", "east", "west"], dtype=object), n, p=[0.3, 0.25, 0.25, 0.2])
    age = np.clip(np.round(rng.normal(42, 13, n)), 18, 90).astype(int)
    return pd.DataFrame({
        "customer_id": [f"u{i:07d}" for i in range(n)], "recency": recency, "history_segment": _history_segment(history),
        "history": history, "mens": mens, "womens": womens, "zip_code": zip_code, "newbie": newbie,
        "channel": channel, "region": region, "age": age,
    })


def _base_logits(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lh = np.log(f["history"].to_numpy() / 100.0)
    rec = f["recency"].to_numpy()
    web = (f["channel"] == "Web").to_numpy() | (f["channel"] == "Multichannel").to_numpy()
    a = -2.0 - 0.07 * rec + 0.25 * lh + 0.25 * web - 0.15 * f["newbie"].to_numpy() + 0.1 * (f["zip_code"] == "Urban")
    b = -2.4 + 0.2 * lh - 0.03 * rec + 0.2 * (f["age"].to_numpy() > 35)
    mean_spend = 60.0 + 35.0 * np.log1p(f["history"].to_numpy() / 100.0) + 10 * (f["zip_code"] == "Urban")
    return np.asarray(a, float), np.asarray(b, float), np.asarray(mean_spend, float)


def _tau(f: pd.DataFrame, k: int, rng: np.random.Generator) -> np.ndarray:
    """Heterogeneous treatment effect (logit scale) of the k-th treatment arm."""
    rec = f["recency"].to_numpy()
    lh = np.log(f["history"].to_numpy() / 100.0)
    mens, womens, newbie = (f[c].to_numpy() for c in ("mens", "womens", "newbie"))
    young = (f["age"].to_numpy() < 35).astype(float)
    rural = (f["zip_code"] == "Rural").to_numpy().astype(float)
    if k % 2 == 0:  # a "men's" style mail: works on men's buyers, lapsed customers
        tau = 0.15 + 0.55 * mens - 0.25 * womens * (1 - mens) + 0.05 * (rec - 6) - 0.3 * young * newbie
    else:  # a "women's"/discount style mail: strong for newbies, annoys recent heavy buyers
        tau = 0.1 + 0.45 * womens + 0.35 * newbie - 0.55 * (rec <= 2) * (lh > 1.0) + 0.2 * rural
    scale = 1.0 + 0.15 * (k // 2)
    shift = float(rng.normal(0, 0.05))
    return scale * tau + shift


def simulate_uplift_experiment(
    n: int = 20000,
    arms: Sequence[str] = ("control", "email_a", "email_b"),
    seed: int = 42,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate a randomised campaign with known per-customer uplift.

    Parameters
    ----------
    n : number of customers.
    arms : arm names; ``"control"`` is the control arm if present, else the first name.
    seed : random seed; the same arguments give identical frames.

    Returns
    -------
    df : features (``recency``, ``history_segment``, ``history``, ``mens``, ``womens``,
        ``zip_code``, ``newbie``, ``channel``, ``region``, ``age``), ``treatment`` (arm name) and
        outcomes ``visit``, ``conversion`` (0/1) and ``spend``.
    truth : row-aligned ``customer_id``, ``base_prob_visit``, ``base_prob_conversion``,
        ``base_spend`` (expected spend under control), and for every treatment arm
        ``true_uplift_visit_<arm>``, ``true_uplift_conversion_<arm>``, ``true_uplift_spend_<arm>``;
        plus ``true_uplift_<outcome>`` for the row's own arm (0 in control).
    """
    arms = list(arms)
    if len(arms) < 2 or len(set(arms)) != len(arms):
        raise DataError(f"arms must be at least two distinct names, one of them the control (got {arms})")
    if n < 10:
        raise DataError(f"n must be at least 10 (got {n})")
    control = "control" if "control" in arms else arms[0]
    treated = [a for a in arms if a != control]
    rng = np.random.default_rng(seed)
    f = simulate_features(n, rng)
    a, b, mean_spend = _base_logits(f)
    taus = {arm: _tau(f, k, rng) for k, arm in enumerate(treated)}
    assign = rng.integers(0, len(arms), n)
    treatment = np.asarray(arms, dtype=object)[assign]

    p_visit = {control: _sigmoid(a)}
    p_conv = {control: _sigmoid(a) * _sigmoid(b)}
    for arm, tau in taus.items():
        p_visit[arm] = _sigmoid(a + tau)
        p_conv[arm] = p_visit[arm] * _sigmoid(b + 0.5 * tau)
    pv = np.select([treatment == arm for arm in arms], [p_visit[arm] for arm in arms])
    pc = np.select([treatment == arm for arm in arms], [p_conv[arm] for arm in arms])
    u1, u2 = rng.random(n), rng.random(n)
    visit = (u1 < pv).astype(int)
    conv_given_visit = np.where(pv > 0, pc / pv, 0.0)
    conversion = visit * (u2 < conv_given_visit).astype(int)
    shape = 2.5
    spend = np.where(conversion == 1, np.round(rng.gamma(shape, mean_spend / shape), 2), 0.0)

    df = f.assign(treatment=treatment, visit=visit, conversion=conversion, spend=spend)
    truth = pd.DataFrame({
        "customer_id": f["customer_id"], "treatment": treatment,
        "base_prob_visit": p_visit[control], "base_prob_conversion": p_conv[control],
        "base_spend": p_conv[control] * mean_spend, "mean_spend_if_converted": mean_spend,
    })
    own = {o: np.zeros(n) for o in ("visit", "conversion", "spend")}
    for arm in treated:
        uv = p_visit[arm] - p_visit[control]
        uc = p_conv[arm] - p_conv[control]
        truth[f"true_uplift_visit_{arm}"] = uv
        truth[f"true_uplift_conversion_{arm}"] = uc
        truth[f"true_uplift_spend_{arm}"] = uc * mean_spend
        mask = treatment == arm
        own["visit"][mask], own["conversion"][mask], own["spend"][mask] = uv[mask], uc[mask], (uc * mean_spend)[mask]
    for o, v in own.items():
        truth[f"true_uplift_{o}"] = v
    return df, truth
