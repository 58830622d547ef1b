"""BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma spend models, fitted by maximum likelihood.

The likelihoods are the published closed forms, evaluated in log space and maximised with
L-BFGS over log-parameters from several starts. Conditional expectations use Gauss-Jacobi
quadrature over the dropout probability, which stays finite for every parameter value
(the hypergeometric closed form breaks down when ``a <= 1``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special

from growthpilot.errors import DataError, NotFittedError


def _arrays(frequency, t_x, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.asarray(frequency, dtype=float)
    tx = np.asarray(t_x, dtype=float)
    TT = np.asarray(T, dtype=float)
    if np.any(x < 0) or np.any(tx < 0) or np.any(TT < tx - 1e-9):
        raise DataError("BG/NBD needs frequency >= 0 and 0 <= t_x <= T for every customer; "
                        "compute them with growthpilot.features.customer_features")
    return x, tx, TT


class BetaGeoModel:
    """BG/NBD purchase model: Poisson purchasing while alive, geometric dropout after each purchase.

    Parameters
    ----------
    penalizer : L2 penalty on the log-parameters (0 = plain MLE); a small value keeps the fit
        stable on tiny or degenerate data.
    time_unit : days per model time unit (inputs and horizons are in days).
    variant : ``"bg"`` (classic BG/NBD: dropout only after repeat purchases, so one-time buyers
        are always "alive") or ``"mbg"`` (MBG/NBD, Batislam et al. 2007: dropout may follow the
        first purchase too, so P(alive) of one-time buyers decays with time).

    Examples
    --------
    >>> m = BetaGeoModel().fit(freq, t_x, T)                     # doctest: +SKIP
    >>> m.expected_purchases(90, freq, t_x, T)                   # doctest: +SKIP
    """

    def __init__(self, *, penalizer: float = 1e-3, time_unit: float = 7.0, variant: str = "bg") -> None:
        self.penalizer = penalizer
        self.time_unit = time_unit
        self.variant = variant

    @property
    def _shift(self) -> float:
        """Dropout chances survived by a customer with ``x`` repeats: ``x`` (bg) or ``x + 1`` (mbg)."""
        if self.variant not in ("bg", "mbg"):
            raise ValueError(f"variant must be 'bg' or 'mbg', got {self.variant!r}")
        return 1.0 if self.variant == "mbg" else 0.0

    def _log_odds_dead(self, a, b, r, alpha, x, tx, T) -> np.ndarray:
        """log P(dropped after the last purchase) - log P(alive), up to the shared factor."""
        k = self._shift
        with np.errstate(divide="ignore", invalid="ignore"):
            lo = np.log(a) - np.log(np.maximum(b + x - 1 + k, 1e-12)) + (r + x) * (
                np.log(alpha + T) - np.log(alpha + tx))
        return lo if k else np.where(x > 0, lo, -np.inf)

    def _loglik(self, params: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> np.ndarray:
        r, alpha, a, b = params
        a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
        a2 = special.betaln(a, b + x + self._shift) - special.betaln(a, b)
        a3 = -(r + x) * np.log(alpha + T)
        return a1 + a2 + a3 + np.logaddexp(0.0, self._log_odds_dead(a, b, r, alpha, x, tx, T))

    def fit(self, frequency, t_x, T) -> BetaGeoModel:
        """Fit ``r, alpha, a, b`` from repeat purchases, time of last purchase and age (days)."""
        x, tx, TT = _arrays(frequency, t_x, T)
        if len(x) < 5:
            raise DataError(f"BG/NBD needs at least 5 customers to fit, got {len(x)}")
        tx, TT = tx / self.time_unit, TT / self.time_unit

        def nll(logp: np.ndarray) -> float:
            ll = self._loglik(np.exp(logp), x, tx, TT)
            return -float(np.mean(ll)) + self.penalizer * float(np.sum(logp**2))

        best = None
        rate = (x.mean() + 1) / max(TT.mean(), 1e-6)
        for start in ([0.0, np.log(1 / rate), 0.0, 0.0], [np.log(0.5), np.log(2 / rate), np.log(0.5), np.log(2.0)],
                      [np.log(2.0), np.log(0.5 / rate), np.log(2.0), np.log(5.0)]):
            res = optimize.minimize(nll, np.array(start), method="L-BFGS-B", bounds=[(-9, 9)] * 4)
            if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
                best = res
        if best is None:
            raise DataError("BG/NBD likelihood could not be evaluated; check for empty or constant inputs")
        self.params_ = dict(zip(("r", "alpha", "a", "b"), np.exp(best.x), strict=True))
        self.loglik_ = -float(best.fun) * len(x)
        return self

    def _check(self) -> tuple[float, float, float, float]:
        if not hasattr(self, "params_"):
            raise NotFittedError("BetaGeoModel is not fitted; call fit(frequency, t_x, T) first")
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    def p_alive(self, frequency, t_x, T) -> np.ndarray:
        """Probability that each customer is still active at the end of their history."""
        r, alpha, a, b = self._check()
        x, tx, TT = _arrays(frequency, t_x, T)
        tx, TT = tx / self.time_unit, TT / self.time_unit
        return special.expit(-self._log_odds_dead(a, b, r, alpha, x, tx, TT))

    def p_purchase(self, days: float, frequency, t_x, T) -> np.ndarray:
        """Probability of at least one purchase in the next ``days``."""
        r, alpha, _a, _b = self._check()
        x, _tx, TT = _arrays(frequency, t_x, T)
        t, TT = days / self.time_unit, TT / self.time_unit
        return self.p_alive(frequency, t_x, T) * (1 - np.exp((r + x) * (np.log(alpha + TT) - np.log(alpha + TT + t))))

    def expected_purchases(self, days: float, frequency, t_x, T, *, nodes: int = 48) -> np.ndarray:
        """Expected number of purchases in the next ``days`` given each customer's history."""
        r, alpha, a, b = self._check()
        x, tx, TT = _arrays(frequency, t_x, T)
        t, TTu = days / self.time_unit, TT / self.time_unit
        out = np.empty_like(x)
        # given alive: lambda ~ Gamma(r+x, alpha+T), p ~ Beta(a, b+x+shift); E[N|lambda,p] = (1-exp(-lambda p t))/p
        for xv in np.unique(x):
            idx = np.flatnonzero(x == xv)
            z, w = special.roots_jacobi(nodes, b + xv - 1 + self._shift, a - 1)
            p = (z + 1) / 2
            w = w / w.sum()
            base = (alpha + TTu[idx])[:, None]
            inner = (1 - np.exp((r + xv) * (np.log(base) - np.log(base + p[None, :] * t)))) / p[None, :]
            out[idx] = inner @ w
        return self.p_alive(x, tx, TT) * out


class GammaGammaModel:
    """Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005b).

    Fitted on each customer's number of purchases and mean order value; predicts the
    conditional expected order value, shrinking thin histories towards the population mean.
    """

    def __init__(self, *, penalizer: float = 1e-3) -> None:
        self.penalizer = penalizer

    def fit(self, n_purchases, mean_value) -> GammaGammaModel:
        n = np.asarray(n_purchases, dtype=float)
        m = np.asarray(mean_value, dtype=float)
        ok = (n > 0) & (m > 0) & np.isfinite(m)
        n, m = n[ok], m[ok]
        if len(n) < 5:
            raise DataError(f"Gamma-Gamma needs at least 5 customers with positive spend, got {len(n)}")
        scale = float(np.median(m))
        ms = m / scale

        def nll(logp: np.ndarray) -> float:
            p, q, g = np.exp(logp[0]), 1.0 + np.exp(logp[1]), np.exp(logp[2])
            ll = (special.gammaln(p * n + q) - special.gammaln(p * n) - special.gammaln(q) + q * np.log(g)
                  + (p * n - 1) * np.log(ms) + p * n * np.log(n) - (p * n + q) * np.log(g + n * ms))
            return -float(np.mean(ll)) + self.penalizer * float(np.sum(logp**2))

        res = optimize.minimize(nll, np.array([0.0, 1.0, 0.0]), method="L-BFGS-B", bounds=[(-9, 9)] * 3)
        p, q, g = np.exp(res.x[0]), 1.0 + np.exp(res.x[1]), np.exp(res.x[2]) * scale
        self.params_ = {"p": float(p), "q": float(q), "gamma": float(g)}
        self.population_mean_ = float(p * g / (q - 1))
        return self

    def expected_value(self, n_purchases, mean_value) -> np.ndarray:
        """Conditional expected spend per future purchase."""
        if not hasattr(self, "params_"):
            raise NotFittedError("GammaGammaModel is not fitted; call fit(n_purchases, mean_value) first")
        p, q, g = self.params_["p"], self.params_["q"], self.params_["gamma"]
        n = np.asarray(n_purchases, dtype=float)
        m = np.nan_to_num(np.asarray(mean_value, dtype=float), nan=0.0).clip(min=0)
        return np.where(n > 0, p * (g + n * m) / (p * n + q - 1), self.population_mean_)


def bgnbd_frame(features: pd.DataFrame, horizon_days: int, *, penalizer: float = 1e-3) -> tuple[pd.DataFrame, dict]:
    """Fit BG/NBD + Gamma-Gamma on a customer-360 frame and return per-customer outputs.

    Columns: ``bg_purchases`` (expected purchases in the horizon), ``bg_p_alive``,
    ``bg_p_purchase`` (P(at least one purchase in the horizon)), ``bg_p_30d``, ``gg_value``
    (expected order value), ``bg_spend``, and the MBG/NBD ``mbg_p_alive`` and ``mbg_purchases``;
    the second item holds the fitted BG/NBD and Gamma-Gamma parameters.
    """
    x, tx, T = features["frequency"], features["t_x"], features["T"]
    bg = BetaGeoModel(penalizer=penalizer).fit(x, tx, T)
    gg = GammaGammaModel(penalizer=penalizer).fit(features["n_orders"], features["aov"])
    out = pd.DataFrame(index=features.index)
    out["bg_purchases"] = bg.expected_purchases(horizon_days, x, tx, T)
    out["bg_p_alive"] = bg.p_alive(x, tx, T)
    out["bg_p_purchase"] = bg.p_purchase(horizon_days, x, tx, T)
    out["bg_p_30d"] = bg.p_purchase(min(30, horizon_days), x, tx, T)
    out["gg_value"] = gg.expected_value(features["n_orders"], features["aov"])
    out["bg_spend"] = out["bg_purchases"] * out["gg_value"]
    try:  # MBG/NBD: P(alive) that also decays for one-time buyers
        mbg = BetaGeoModel(penalizer=penalizer, variant="mbg").fit(x, tx, T)
        out["mbg_p_alive"] = mbg.p_alive(x, tx, T)
        out["mbg_purchases"] = mbg.expected_purchases(horizon_days, x, tx, T)
    except DataError:
        out["mbg_p_alive"], out["mbg_purchases"] = out["bg_p_alive"], out["bg_purchases"]
    return out, {**bg.params_, **gg.params_}
