"""Split-conformal prediction intervals from backtest errors, scaled per series.

Absolute errors on earlier backtest windows are divided by each series' MASE scale, so
series of any size share one calibration set; the interval is ``y_hat +- q * scale`` with
``q`` the finite-sample conformal quantile for the horizon step (pooled over steps when
there are too few errors per step, made non-decreasing in the step by isotonic regression).
Errors are weighted by the age of their window (non-exchangeable conformal prediction,
Barber, Candes, Ramdas & Tibshirani 2023), so the intervals follow drifting volatility.

:func:`fit_intervals` also tries the model's own forecast standard deviation (per row, see
:mod:`growthpilot.forecast.sigma`) as the normaliser, with one quantile for all steps, and keeps
whichever normaliser gave the better interval score on the validation windows, each window
calibrated on the ones before it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.errors import NotFittedError, ValidationError


def horizon_step(frame: pd.DataFrame) -> np.ndarray:
    """1-based position of each row inside its (series, cutoff) forecast window."""
    return frame.groupby(["unique_id", "cutoff"])["ds"].rank(method="first").astype(int).to_numpy()


def conformal_quantile(scores: np.ndarray, level: float) -> float:
    """The ``ceil((n + 1) level) / n`` empirical quantile (infinite when n is too small)."""
    s = np.sort(np.asarray(scores, float)[np.isfinite(scores)])
    n = len(s)
    k = int(np.ceil((n + 1) * level / 100.0))
    if n == 0 or k > n:
        return float(s[-1]) * 1.5 if n else np.inf
    return float(s[k - 1])


def weighted_conformal_quantile(scores: np.ndarray, weights: np.ndarray, level: float) -> float:
    """Non-exchangeable split-conformal quantile (Barber et al. 2023): the smallest score whose weighted
    share reaches ``level``, with the test point counted at the largest weight.

    With equal weights this is :func:`conformal_quantile`. Infinite (1.5 x the largest score) when
    the calibration set is too small for the level.
    """
    scores, weights = np.asarray(scores, float), np.asarray(weights, float)
    ok = np.isfinite(scores) & (weights > 0)
    s, w = scores[ok], weights[ok]
    if len(s) == 0:
        return np.inf
    order = np.argsort(s, kind="stable")
    s, w = s[order], w[order]
    share = np.cumsum(w) / (w.sum() + w.max())
    k = int(np.searchsorted(share, level / 100.0 - 1e-12, side="left"))
    return float(s[k]) if k < len(s) else float(s[-1]) * 1.5


def window_col(frame: pd.DataFrame) -> str:
    """The column naming a backtest window: ``block`` when there are several origins per window."""
    return "block" if "block" in frame else "cutoff"


def own_cutoffs(frame: pd.DataFrame) -> pd.DataFrame:
    """The forecasts made at the windows' own cutoffs (one per date and series): the extra origins dropped."""
    return frame[frame["cutoff"] == frame["block"]] if "block" in frame else frame


def several_origins(frame: pd.DataFrame) -> bool:
    """Whether the backtest has run-forward origins inside its windows (small data sets, see ``auto_origins``)."""
    return "block" in frame and bool((frame["cutoff"] != frame["block"]).any())


def before(frame: pd.DataFrame, cutoff) -> pd.DataFrame:
    """The rows of forecasts made and fully observed by ``cutoff`` (whole windows, no peeking past it)."""
    return frame[frame["end"] <= cutoff] if "end" in frame else frame[frame["cutoff"] < cutoff]


def window_weights(cutoff: np.ndarray, decay: float, cycle: pd.Timedelta | None = None) -> np.ndarray:
    """``decay ** age`` per row, ``age`` = backtest windows between the row's cutoff and the latest one;
    with ``cycle`` (one week for intraday data), ``age`` counts whole cycles back from the latest cutoff, so
    the windows of the latest week weigh alike (a day-long window after a weekend is no guide to a Monday)."""
    cutoff = np.asarray(cutoff)
    if len(cutoff) == 0 or decay >= 1.0:
        return np.ones(len(cutoff))
    if cycle is not None:
        c = pd.to_datetime(pd.Series(cutoff))
        age = ((c.max() - c) // cycle).to_numpy()
        return decay ** age.astype(float)
    uniq = np.unique(cutoff)
    age = len(uniq) - 1 - np.searchsorted(uniq, cutoff)
    return decay ** age.astype(float)


class ConformalIntervals:
    """Calibrate normalised errors on backtest windows, then widen forecasts into intervals.

    Parameters
    ----------
    level : nominal coverage in percent (90 gives ``lo_90`` / ``hi_90``).
    min_per_step : below this many errors per horizon step, steps are pooled.
    decay : weight of an error per backtest window of age (1 = all windows alike, plain split conformal;
        the default 0.6 weighs the latest window 1, the one before 0.6, then 0.36, ...).
    scale_col : the column that normalises errors (``scale``: per-series MASE scale; a ``__sigma``
        column: the model's own standard deviation per row).
    cycle : with intraday data, one week: the decay counts weeks back instead of windows
        (:func:`window_weights`).

    Examples
    --------
    >>> ci = ConformalIntervals(level=90)
    >>> cal = pd.DataFrame({"unique_id": "a", "cutoff": 0, "ds": range(20), "y": np.arange(20.0),
    ...                     "f": np.arange(20.0) + 1, "scale": 1.0})
    >>> ci.fit(cal, "f").q_.round(1).tolist()[:2]
    [1.0, 1.0]
    """

    def __init__(self, *, level: float = 90.0, min_per_step: int = 40, decay: float = 0.6,
                 scale_col: str = "scale", cycle: pd.Timedelta | None = None) -> None:
        self.level = level
        self.min_per_step = min_per_step
        self.decay = decay
        self.scale_col = scale_col
        self.cycle = cycle

    def fit(self, frame: pd.DataFrame, pred_col: str) -> ConformalIntervals:
        """Learn ``q_`` (one quantile per horizon step) from ``frame`` with ``y``, ``scale_col`` and ``pred_col``."""
        step = frame["step"].to_numpy() if "step" in frame else horizon_step(frame)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = (frame["y"] - frame[pred_col]).abs().to_numpy(float) / frame[self.scale_col].to_numpy(float)
        h = int(step.max()) if len(step) else 1
        # recent windows weigh more (weight decay ** age in windows): errors drift with the level and
        # volatility of the series, so the latest windows are the better guide to the next one
        w = window_weights(frame[window_col(frame)].to_numpy(), self.decay, self.cycle)
        pooled = weighted_conformal_quantile(score, w, self.level)
        q = np.full(h, pooled)
        for s in range(1, h + 1):
            # a band of neighbouring steps smooths the per-step quantiles
            band = (step >= s - 1) & (step <= s + 1)
            if band.sum() >= self.min_per_step:
                q[s - 1] = weighted_conformal_quantile(score[band], w[band], self.level)
        if len(q) > 1 and np.all(np.isfinite(q)):
            # non-decreasing in the step by isotonic regression (a running maximum would bias it upwards)
            from sklearn.isotonic import IsotonicRegression

            q = IsotonicRegression().fit_transform(np.arange(len(q)), q)
        self.q_ = q
        self.n_calibration_ = int(np.isfinite(score).sum())
        return self

    def quantile_for(self, step: np.ndarray) -> np.ndarray:
        if not hasattr(self, "q_"):
            raise NotFittedError("ConformalIntervals is not fitted; call fit(backtest_frame, column) first")
        idx = np.clip(np.asarray(step, int) - 1, 0, len(self.q_) - 1)
        return self.q_[idx]

    def interval(self, y_hat: np.ndarray, scale: np.ndarray, step: np.ndarray, *,
                 nonnegative: bool | np.ndarray = False) -> tuple[np.ndarray, np.ndarray]:
        """``(lo, hi)`` around ``y_hat``; both bounds clipped at zero where the series cannot be negative
        (``nonnegative``: one flag, or one per row)."""
        half = self.quantile_for(step) * np.asarray(scale, float)
        lo, hi = np.asarray(y_hat, float) - half, np.asarray(y_hat, float) + half
        nonneg = np.broadcast_to(np.asarray(nonnegative, bool), lo.shape)
        return np.where(nonneg, np.maximum(lo, 0.0), lo), np.where(nonneg, np.maximum(hi, 0.0), hi)


def interval_score(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: float) -> np.ndarray:
    """Winkler interval score per point (width plus ``2 / alpha`` times the miss; lower is better)."""
    a = 1.0 - level / 100.0
    y, lo, hi = (np.asarray(v, float) for v in (y, lo, hi))
    return (hi - lo) + (2.0 / a) * (np.maximum(lo - y, 0.0) + np.maximum(y - hi, 0.0))


def normaliser_options(pred_col: str, frame: pd.DataFrame) -> dict[str, dict]:
    """Keyword arguments of :class:`ConformalIntervals` per normaliser: ``scale`` (per-series MASE scale,
    quantiles per step) and, when ``frame`` has ``<pred_col>__sigma``, ``sigma`` (one pooled quantile)."""
    opts = {"scale": dict(scale_col="scale")}
    sig = pred_col + "__sigma"
    if sig in frame and frame[sig].notna().any():
        opts["sigma"] = dict(scale_col=sig, min_per_step=np.iinfo(np.int64).max)
    return opts


def fit_intervals(frame: pd.DataFrame, pred_col: str, *, level: float = 90.0, decay: float = 0.6,
                  normaliser: str = "auto", cycle: pd.Timedelta | None = None) -> ConformalIntervals:
    """Calibrate conformal intervals for ``pred_col``, choosing the normaliser inside ``frame``.

    Each option of :func:`normaliser_options` is calibrated on the windows before each validation
    window (from the second on) and scored there by the mean interval score (divided by the
    series' scale); the lower mean wins (the model's own sigma on a tie or with one window), and is
    then fitted on all of ``frame``. ``frame`` holds only data before the forecast origin.
    ``normaliser="scale"`` or ``"sigma"`` skips the choice (``"sigma"`` needs the ``__sigma`` column).
    ``cycle``: see :class:`ConformalIntervals` (one week for intraday data).
    With several origins per backtest window (:func:`several_origins`: single and few short series),
    ``"auto"`` takes ``scale`` with per-step quantiles: it covered better on the single series, held-out
    ones included, than the choice by interval score on their few windows.
    """
    opts = normaliser_options(pred_col, frame)
    if normaliser not in ("auto", "scale", "sigma"):
        raise ValidationError("unknown interval normaliser", value=normaliser, expected="auto, sigma or scale")
    if normaliser != "auto":
        if normaliser not in opts:
            raise ValidationError(f"no {normaliser!r} interval normaliser for {pred_col!r}",
                                  expected=f"one of {sorted(opts)} or 'auto'")
        opts = {normaliser: opts[normaliser]}
    cuts = np.unique(frame[window_col(frame)].to_numpy())
    best = "sigma" if "sigma" in opts else "scale"
    if normaliser == "auto" and several_origins(frame):
        # small data sets with many origins per window: hundreds of errors give per-step quantiles of the
        # scale-normalised errors directly; choosing by interval score on a few windows of one series was
        # noise (see docs/forecast.md)
        best, opts = "scale", {"scale": opts["scale"]}
    if len(opts) > 1 and len(cuts) > 1:
        step = frame["step"].to_numpy() if "step" in frame else horizon_step(frame)
        frame = frame.assign(step=step)
        totals = {}
        for name, kw in opts.items():
            parts = []
            for c in cuts[1:]:
                cal, held = before(frame, c), frame[frame[window_col(frame)] == c]
                ci = ConformalIntervals(level=level, decay=decay, cycle=cycle, **kw).fit(cal, pred_col)
                lo, hi = ci.interval(held[pred_col].to_numpy(), held[ci.scale_col].to_numpy(),
                                     held["step"].to_numpy())
                parts.append(interval_score(held["y"], lo, hi, level) / held["scale"].to_numpy(float))
            s = np.concatenate(parts)
            totals[name] = float(np.mean(s[np.isfinite(s)])) if np.isfinite(s).any() else np.inf
        best = min(totals, key=lambda n: (totals[n], n != "sigma"))
    ci = ConformalIntervals(level=level, decay=decay, cycle=cycle, **opts[best]).fit(frame, pred_col)
    ci.normaliser_ = best
    return ci
