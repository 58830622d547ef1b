"""Honest evaluation: nested rolling-origin backtest with choice and calibration on earlier windows.

One rolling backtest covers ``n_val + windows`` cutoffs. For each of the last ``windows``
(the evaluated ones) the candidate is chosen, and the conformal interval calibrated, using
only the windows before it, so the reported score is what the automatic choice would have
scored on data it had not seen.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from growthpilot.errors import DataError
from growthpilot.forecast.backtest import cross_validate, eligible_series
from growthpilot.forecast.conformal import before, fit_intervals, horizon_step, window_col
from growthpilot.forecast.frequency import calibration_cycle, cycle_periods, normalize_freq, season_length
from growthpilot.forecast.hours import CLOSED, mask_closed, open_rows
from growthpilot.forecast.intermittent import with_intermittent_models
from growthpilot.forecast.metrics import mase_scales, score
from growthpilot.forecast.models import BASE_MODELS, ArimaBudget, check_models
from growthpilot.forecast.selection import add_candidates, candidates, choose
from growthpilot.forecast.sigma import SIGMA_SUFFIX, add_sigmas
from growthpilot.forecast.transform import with_log_variants

CHOSEN = "chosen"


@dataclass
class Evaluation:
    """Result of :func:`evaluate`: a score table, the choices made and the scored forecasts."""

    table: pd.DataFrame
    choices: dict[str, str]
    frame: pd.DataFrame
    n_series: int
    dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    n_val: int = 0
    normalisers: dict[str, str] = field(default_factory=dict)

    def metrics(self) -> dict:
        """A JSON-ready summary: per-model scores, the choices and the headline ratios."""
        t = self.table.set_index("model")
        chosen, out = t.loc[CHOSEN], {}
        for name in ("SeasonalNaive", "AutoETS"):
            if name in t.index:
                out[f"mase_vs_{name}"] = float(chosen["mase"] / t.loc[name, "mase"])
        return {
            "n_series": self.n_series, "n_dropped_short": len(self.dropped), "validation_windows": self.n_val,
            "choices": self.choices, "interval_normaliser": self.normalisers, "chosen": {k: _clean(v) for k, v in chosen.items()}, **out,
            "models": {m: {k: _clean(v) for k, v in row.items()} for m, row in t.iterrows()},
            "seconds_total": round(self.seconds, 2),
        }


def _clean(v):
    return round(float(v), 4) if isinstance(v, int | float | np.floating) and np.isfinite(v) else v


def calibration_window(season: int, h: int) -> int:
    """Periods of recent history whose seasonal-naive error scales the conformal intervals."""
    return max(2 * season, 4 * h, 24)


def scales_for(df: pd.DataFrame, frame: pd.DataFrame, season: int, h: int | None = None) -> pd.DataFrame:
    """MASE scales per (series, cutoff) plus ``calib_scale`` for intervals.

    ``calib_scale`` is the same error measured on recent history only (see
    :func:`calibration_window`, lengthened by the average inter-demand interval for intermittent
    series), so intervals follow a growing or shrinking level; constant series fall back to their mean
    absolute level.
    """
    pairs = frame[["unique_id", "cutoff"]].drop_duplicates()
    sc = mase_scales(df, pairs, season)
    h = h or int(frame.groupby(["unique_id", "cutoff"]).size().max())
    recent = mase_scales(df, pairs, season, last=calibration_window(season, h), per_demand=True).rename(
        columns={"scale": "recent"})
    sc = sc.merge(recent, on=["unique_id", "cutoff"], how="left")
    level = df.groupby("unique_id")["y"].apply(lambda s: s.abs().mean()).rename("level")
    sc = sc.merge(level, left_on="unique_id", right_index=True, how="left")
    sc["calib_scale"] = sc["recent"].fillna(sc["scale"]).fillna(sc["level"]).fillna(0.0)
    return sc.drop(columns=["level", "recent"])


def auto_validation(df: pd.DataFrame, *, h: int, season: int = 1, cycle: int = 1) -> int:
    """Validation windows wanted, between 2 and 6: enough for about 200 calibration errors and, for
    seasons up to a year of weeks, enough to cover one whole season (so that the choice and the
    intervals see every part of the year, holidays included). ``cycle``: periods over which errors
    repeat their pattern (a week of hours for intraday data, :func:`~growthpilot.forecast.frequency.cycle_periods`):
    then as many windows as cover it (7 for daily windows), up to 8."""
    if cycle > 1:  # intraday: windows covering one week of errors (each holds a day or more of errors)
        return int(min(8, max(2, np.ceil(cycle / h))))
    n = df["unique_id"].nunique()
    want = max(np.ceil(200 / max(n * h, 1)), np.ceil(season / h) if season <= 52 else 0)
    return int(min(6, max(2, want)))


ORIGIN_BUDGET = 500  # series x backtest origins: small data sets get dense origins, panels keep one per window


def auto_origins(n_series: int, h: int, n_windows: int, budget: int = ORIGIN_BUDGET) -> int:
    """Forecast origins per backtest window (a divisor of ``h``): as many as keep ``n_series x n_windows x
    origins`` within ``budget``. The extra origins are run forward from each window's fit (no refit), so
    single short series get ``h`` times more errors to calibrate intervals on; big panels keep one."""
    fits = max(1, n_series * n_windows)
    return max((d for d in range(1, h + 1) if h % d == 0 and fits * d <= budget), default=1)


def feasible_validation(df: pd.DataFrame, *, h: int, windows: int, n_val: int | None, season: int,
                        cycle: int = 1) -> int:
    """Largest number of validation windows (<= n_val, or automatic) keeping at least half of the series."""
    n = df["unique_id"].nunique()
    n_val = auto_validation(df, h=h, season=season, cycle=cycle) if n_val is None else n_val
    for v in range(n_val, -1, -1):
        kept, _ = eligible_series(df, h=h, n_windows=windows + v, season=season)
        if kept["unique_id"].nunique() >= max(1, n // 2):
            return v
    return 0


def evaluate(
    df: pd.DataFrame,
    *,
    freq: str,
    h: int,
    windows: int = 3,
    n_val: int | None = None,
    models: Sequence[str] = BASE_MODELS,
    level: float = 90.0,
    exog_cols: Sequence[str] = (),
    country: str = "US",
    selection: str = "anchored",
    refit: bool | int = True,
    arima_budget: ArimaBudget | None = None,
    n_jobs: int | None = None,
    seed: int = 42,
    log_variants: bool = True,
    origins: int | None = None,
    intermittent_models: bool = False,
) -> Evaluation:
    """Score every base model, every ensemble and the automatic choice on the last ``windows`` windows.

    Parameters
    ----------
    df : prepared long frame ``unique_id, ds, y[, exog...]`` (see :func:`~growthpilot.forecast.data.prepare_series`).
    freq, h : frequency alias and horizon in periods.
    windows : evaluated rolling windows (each ``h`` long, spaced ``h`` apart, the last ending at the last date).
    n_val : windows before each evaluated one used to choose the model and calibrate intervals
        (``None``: enough for about 200 calibration errors, 2 to 6, as the data allow).
    models : base models to run.
    level : interval coverage in percent.
    selection : ``"anchored"`` (default), ``"global"``, ``"best"`` or ``"per_series"`` (see :func:`~growthpilot.forecast.selection.choose`).
    refit, arima_budget, n_jobs : speed settings passed to the backtest.
    log_variants : add the log-scale statistical models when the data before the evaluated windows look
        multiplicative (see :mod:`growthpilot.forecast.transform`).
    origins : forecast origins per backtest window for the interval calibration (``None``: automatic, see
        :func:`auto_origins`; the choice and the scores use the windows' own cutoffs only).
    intermittent_models : add ADIDA and IMAPA when at least half of the series are intermittent before the
        evaluated windows (see :mod:`growthpilot.forecast.intermittent`); off by default (docs/forecast.md,
        round forecast-1.6: better MASE on most intermittent sets, but ties with AutoETS flip its target).
    """
    t0 = time.perf_counter()
    bt = backtest_frame(df, freq=freq, h=h, windows=windows, n_val=n_val, models=models, level=level,
                        exog_cols=exog_cols, country=country, refit=refit, arima_budget=arima_budget,
                        n_jobs=n_jobs, seed=seed, log_variants=log_variants, origins=origins,
                        intermittent_models=intermittent_models)
    ev = score_windows(bt, windows=windows, level=level, selection=selection)
    ev.seconds = time.perf_counter() - t0
    return ev


@dataclass
class Backtest:
    """Everything :func:`score_windows` needs: the backtest frame with candidates, scales and sigmas."""

    frame: pd.DataFrame
    scales: pd.DataFrame
    cands: dict[str, tuple[str, ...]]
    models: list[str]
    model_seconds: dict[str, float]
    dropped: list[str]
    n_val: int
    nonnegative: pd.Series  # per series: never negative in the data (intervals clipped at zero)
    cycle: pd.Timedelta | None = None  # interval calibration decays per week for intraday data


def backtest_frame(df: pd.DataFrame, *, freq: str, h: int, windows: int = 3, n_val: int | None = None,
                   models: Sequence[str] = BASE_MODELS, level: float = 90.0, exog_cols: Sequence[str] = (),
                   country: str = "US", refit: bool | int = True, arima_budget: ArimaBudget | None = None,
                   n_jobs: int | None = None, seed: int = 42, log_variants: bool = True,
                   origins: int | None = None, intermittent_models: bool = False) -> Backtest:
    """One rolling backtest of every base model on ``windows + n_val`` cutoffs, with candidates added.

    Whether the log variants and the intermittent-demand models join is decided on the data before the
    evaluated windows only.
    """
    freq = normalize_freq(freq)
    models = check_models(models)
    season = season_length(freq)
    ordered = df.sort_values(["unique_id", "ds"], kind="stable")
    before = ordered[ordered.groupby("unique_id").cumcount(ascending=False) >= windows * h]
    if log_variants:
        models = with_log_variants(before, models, season)
    if intermittent_models:
        models = with_intermittent_models(before, models)
    n_val = feasible_validation(df, h=h, windows=windows, n_val=n_val, season=season, cycle=cycle_periods(freq))
    if origins is None:
        origins = auto_origins(df["unique_id"].nunique(), h, windows + n_val)
    cv = cross_validate(df, freq=freq, h=h, n_windows=windows + n_val, season=season, models=models,
                        exog_cols=exog_cols, country=country, n_jobs=n_jobs, refit=refit,
                        arima_budget=arima_budget, seed=seed, level=level, origins=origins)
    cands = candidates(cv.models)
    # intraday data: every model forecasts 0 in the periods of the week closed in recent weeks (forecast-1.10)
    frame = add_candidates(mask_closed(cv.frame, df, cv.models, freq), cands)
    sc = scales_for(df, frame, season, h)
    frame = frame.merge(sc[["unique_id", "cutoff", "calib_scale"]], on=["unique_id", "cutoff"], how="left")
    frame = frame.rename(columns={"calib_scale": "scale"})
    frame["step"] = horizon_step(frame)
    frame = add_sigmas(frame, cands, level, fallback=frame["scale"].to_numpy(float))
    return Backtest(frame, sc, cands, list(cv.models), dict(cv.seconds), list(cv.dropped), n_val,
                    df.groupby("unique_id")["y"].min() >= 0, calibration_cycle(freq))


def score_windows(bt: Backtest, *, windows: int = 3, level: float = 90.0, selection: str = "anchored") -> Evaluation:
    """Choose and calibrate on the windows before each of the last ``windows`` cutoffs, score on it."""
    frame, sc, cands, nonneg = bt.frame, bt.scales, bt.cands, bt.nonnegative
    cutoffs = sorted(frame[window_col(frame)].unique())
    if len(cutoffs) < windows:
        raise DataError(f"only {len(cutoffs)} backtest windows fit the data; lower --windows or --horizon")
    test_parts, choices, normalisers = [], {}, {}
    names = list(cands)
    for c in cutoffs[-windows:]:
        val, test = before(frame, c), frame[frame["cutoff"] == c].copy()
        chosen = choose(val, sc, cands, mode=selection)
        pick = test["unique_id"].map(chosen).fillna(chosen.iloc[0] if len(chosen) else names[0])
        test[CHOSEN] = _pick(test, pick)
        test[CHOSEN + SIGMA_SUFFIX] = _pick(test, pick + SIGMA_SUFFIX)
        if len(val):
            val = val.copy()
            vpick = val["unique_id"].map(chosen).fillna(pick.iloc[0])
            val[CHOSEN], val[CHOSEN + SIGMA_SUFFIX] = _pick(val, vpick), _pick(val, vpick + SIGMA_SUFFIX)
        key = str(pd.Timestamp(c).date())
        closed = test[CLOSED].to_numpy(bool) if CLOSED in test else np.zeros(len(test), bool)
        for name in [*names, CHOSEN]:
            if len(val):
                # calibrated on the open periods' errors; a closed period's interval is [0, 0]
                ci = fit_intervals(open_rows(val), name, level=level, cycle=bt.cycle)
                lo, hi = ci.interval(test[name].to_numpy(), test[ci.scale_col].to_numpy(), test["step"].to_numpy(),
                                     nonnegative=test["unique_id"].map(nonneg).fillna(False).to_numpy(bool))
                lo, hi = np.where(closed, 0.0, lo), np.where(closed, 0.0, hi)
                if name == CHOSEN:
                    normalisers[key] = ci.normaliser_
            else:
                lo = hi = np.full(len(test), np.nan)
            test[f"{name}__lo"], test[f"{name}__hi"] = lo, hi
        choices[key] = ",".join(sorted(set(pick)))
        test_parts.append(test)
    test = pd.concat(test_parts, ignore_index=True)
    rows = []
    for name in [*names, CHOSEN]:
        s = score(test, name, sc, lo_col=f"{name}__lo", hi_col=f"{name}__hi")
        members = cands.get(name, tuple(bt.models))
        rows.append({"model": name, **s, "seconds": sum(bt.model_seconds.get(m, 0.0) for m in members)})
    table = pd.DataFrame(rows)
    return Evaluation(table, choices, test, int(test["unique_id"].nunique()), bt.dropped, 0.0, bt.n_val, normalisers)


def _pick(frame: pd.DataFrame, names: pd.Series) -> np.ndarray:
    cols = frame[list(pd.unique(names))]
    idx = cols.columns.get_indexer(names)
    return cols.to_numpy(float)[np.arange(len(frame)), idx]
