"""``DemandForecaster``: choose a model by backtest, calibrate intervals, forecast every series."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from growthpilot.errors import DataError, NotFittedError
from growthpilot.forecast.backtest import cross_validate, ml_frame, n_jobs_default
from growthpilot.forecast.conformal import fit_intervals
from growthpilot.forecast.evaluate import auto_origins, calibration_window, feasible_validation, scales_for
from growthpilot.forecast.features import add_holidays
from growthpilot.forecast.frequency import calibration_cycle, cycle_periods, normalize_freq, season_length
from growthpilot.forecast.hours import CLOSED, closed_periods, mask_closed, open_rows
from growthpilot.forecast.intermittent import with_intermittent_models
from growthpilot.forecast.models import (
    BASE_MODELS,
    INTERMITTENT_MODELS,
    ML_MODELS,
    STAT_MODELS,
    ArimaBudget,
    check_models,
    lgbm_forecaster,
    stat_model,
)
from growthpilot.forecast.selection import add_candidates, candidates, choose, fallback_candidate
from growthpilot.forecast.sigma import REFERENCE_ORDER, SIGMA_SUFFIX, add_sigmas
from growthpilot.forecast.transform import base_of, from_log, is_log, to_log, with_log_variants

MODEL_VERSION = "forecast-1.10"


class DemandForecaster:
    """Forecast many series with the model (or ensemble) that won a rolling-origin backtest.

    Parameters
    ----------
    freq : pandas frequency alias (``D``, ``W``, ``W-FRI``, ``MS``, ``QS``).
    horizon : periods to forecast.
    models : base models to consider (see :data:`~growthpilot.forecast.models.BASE_MODELS`).
    level : interval coverage in percent; output columns are ``lo_<level>`` / ``hi_<level>``.
    n_val : backtest windows (each ``horizon`` long) used to choose and calibrate; ``None`` = automatic.
    selection : ``"anchored"`` (default), ``"global"``, ``"best"`` or ``"per_series"`` (see :func:`~growthpilot.forecast.selection.choose`).
    country : holiday calendar (ISO code) for the global model's holiday feature.
    exog_cols : extra columns of the input used by the global model (price, promo, ...).
    refit : refit at every backtest cutoff (``True``) or fit once and run forward (``False``).
    n_jobs : processes for statsforecast; default up to 2.
    seed : random seed of LightGBM.
    intervals : normaliser of the conformal errors: ``"auto"`` (chosen on the backtest windows),
        ``"sigma"`` (the models' own forecast standard deviation) or ``"scale"`` (per-series MASE scale).
    log_variants : also try the statistical models on log(y) when the data look multiplicative
        (positive, spread growing with the level; small data only, see :mod:`growthpilot.forecast.transform`).
    origins : forecast origins per backtest window for the interval calibration (``None``: automatic, many
        for small data sets, see :func:`~growthpilot.forecast.evaluate.auto_origins`).
    intermittent_models : also try ADIDA and IMAPA when at least half of the series are intermittent
        (average inter-demand interval above 1.32, see :mod:`growthpilot.forecast.intermittent`); off by default.

    Examples
    --------
    >>> fc = DemandForecaster(freq="MS", horizon=6, models=("SeasonalNaive", "AutoETS"))  # doctest: +SKIP
    >>> fc.fit(series).predict().columns.tolist()                                         # doctest: +SKIP
    ['unique_id', 'ds', 'y_hat', 'lo_90', 'hi_90', 'model']
    """

    def __init__(self, *, freq: str = "D", horizon: int = 14, models: Sequence[str] = BASE_MODELS,
                 level: float = 90.0, n_val: int | None = None, selection: str = "anchored", country: str = "US",
                 exog_cols: Sequence[str] = (), refit: bool | int = True, n_jobs: int | None = None,
                 arima_budget: ArimaBudget | None = None, seed: int = 42, intervals: str = "auto",
                 log_variants: bool = True, origins: int | None = None, intermittent_models: bool = False) -> None:
        self.freq = freq
        self.horizon = horizon
        self.models = models
        self.level = level
        self.n_val = n_val
        self.selection = selection
        self.country = country
        self.exog_cols = exog_cols
        self.refit = refit
        self.n_jobs = n_jobs
        self.arima_budget = arima_budget
        self.seed = seed
        self.intervals = intervals
        self.log_variants = log_variants
        self.intermittent_models = intermittent_models
        self.origins = origins

    # --- fitting ---------------------------------------------------------------------
    def fit(self, df: pd.DataFrame) -> DemandForecaster:
        """Backtest on the last ``n_val`` windows of ``df``, choose, calibrate, then fit on all of ``df``."""
        if df.empty:
            raise DataError("no rows to fit; prepare series with growthpilot.forecast.prepare_series first")
        freq = normalize_freq(self.freq)
        models = check_models(self.models)
        season = season_length(freq)
        if self.log_variants:
            models = with_log_variants(df, models, season)
        if self.intermittent_models:
            models = with_intermittent_models(df, models)
        h = int(self.horizon)
        n_val = feasible_validation(df, h=h, windows=0, n_val=self.n_val, season=season, cycle=cycle_periods(freq))
        self.cands_ = candidates(models)
        self.backtest_ = pd.DataFrame()
        self.ranking_ = pd.Series(dtype=float)
        if n_val > 0:
            cv = cross_validate(df, freq=freq, h=h, n_windows=n_val, season=season, models=models,
                                exog_cols=self.exog_cols, country=self.country, n_jobs=self.n_jobs,
                                refit=self.refit, arima_budget=self.arima_budget, seed=self.seed, level=self.level,
                                origins=self.origins or auto_origins(df["unique_id"].nunique(), h, n_val))
            self.cands_ = candidates(cv.models)
            # intraday data: 0 in the periods of the week closed in recent weeks (see growthpilot.forecast.hours)
            frame = add_candidates(mask_closed(cv.frame, df, cv.models, freq), self.cands_)
            sc = scales_for(df, frame, season, h)
            frame = frame.merge(sc[["unique_id", "cutoff", "calib_scale"]], on=["unique_id", "cutoff"])
            frame = frame.rename(columns={"calib_scale": "scale"})
            frame = add_sigmas(frame, self.cands_, self.level, fallback=frame["scale"].to_numpy(float))
            self.choice_ = choose(frame, sc, self.cands_, mode=self.selection)
            picked = frame["unique_id"].map(self.choice_)
            frame["chosen"] = _pick_col(frame, picked)
            frame["chosen" + SIGMA_SUFFIX] = _pick_col(frame, picked + SIGMA_SUFFIX)
            from growthpilot.forecast.selection import rank_candidates

            self.ranking_ = rank_candidates(frame, sc, list(self.cands_))
            self.backtest_ = frame
            self.conformal_ = fit_intervals(open_rows(frame), "chosen", level=self.level, normaliser=self.intervals,
                                            cycle=calibration_cycle(freq))
        else:
            self.choice_ = pd.Series(dtype=object)
            self.conformal_ = None
        self.default_choice_ = (self.choice_.mode().iloc[0] if len(self.choice_) else fallback_candidate(self.cands_))
        needed = {m for name in set(self.choice_) | {self.default_choice_} for m in self.cands_[name]}
        own = set(STAT_MODELS) - set(INTERMITTENT_MODELS)
        sigma_normalised = self.conformal_ is not None and self.conformal_.normaliser_ == "sigma"
        if sigma_normalised and not any(base_of(m) in own for m in needed):
            # the global model and the intermittent-demand ones have no interval of their own: a statistical
            # model's sigma normalises their errors
            needed |= {m for m in REFERENCE_ORDER if m in models}
        self.base_forecasts_ = self._fit_predict(df, sorted(needed), freq, season, h)
        last = df.groupby("unique_id")["ds"].max()
        if calibration_cycle(freq) is not None:  # intraday: forecast 0 and interval [0, 0] in closed periods
            origin = self.base_forecasts_.assign(cutoff=self.base_forecasts_["unique_id"].map(last))
            self.base_forecasts_[CLOSED] = closed_periods(df, origin, freq)
        pairs = pd.DataFrame({"unique_id": last.index, "cutoff": last.to_numpy()})
        from growthpilot.forecast.metrics import mase_scales

        sc = mase_scales(df, pairs, season, last=calibration_window(season, h), per_demand=True)
        sc = sc.set_index("unique_id")["scale"]
        lvl = df.groupby("unique_id")["y"].apply(lambda s: s.abs().mean())
        self.scale_ = sc.reindex(lvl.index).fillna(lvl).fillna(0.0)
        self.nonnegative_ = df.groupby("unique_id")["y"].min() >= 0  # per series: clip forecasts and bounds at 0
        self.season_ = season
        self.model_version_ = MODEL_VERSION
        return self

    def _fit_predict(self, df, needed, freq, season, h) -> pd.DataFrame:
        out = None
        stat = [m for m in needed if m in STAT_MODELS]
        logs = [m for m in needed if is_log(m)]
        for group, log in ((stat, False), (logs, True)):
            if not group:
                continue
            fc = self._stat_forecast(to_log(df) if log else df, group, freq, season, h)
            if log:
                fc = from_log(fc, [c for c in fc.columns if c not in ("unique_id", "ds")])
            out = fc if out is None else out.merge(fc, on=["unique_id", "ds"], how="left")
        if any(m in ML_MODELS for m in needed):
            ml = self._ml_predict(df, freq, season, h)
            out = ml if out is None else out.merge(ml, on=["unique_id", "ds"], how="left")
        assert out is not None
        if "LightGBM" in out and "SeasonalNaive" in out:
            out["LightGBM"] = out["LightGBM"].fillna(out["SeasonalNaive"])
        return out

    def _stat_forecast(self, df, names, freq, season, h) -> pd.DataFrame:
        from statsforecast import StatsForecast
        from statsforecast.models import SeasonalNaive

        n_obs = int(df.groupby("unique_id").size().median())
        lv = int(self.level) if float(self.level).is_integer() else self.level
        out = None
        # the intermittent-demand models have no interval of their own: forecast them without a level
        for group, level in (([m for m in names if base_of(m) not in INTERMITTENT_MODELS], [lv]),
                             ([m for m in names if base_of(m) in INTERMITTENT_MODELS], None)):
            if not group:
                continue
            objs = [stat_model(base_of(m), season, self.arima_budget, n_obs) for m in group]
            sf = StatsForecast(models=objs, freq=freq, n_jobs=self.n_jobs or n_jobs_default(),
                               fallback_model=SeasonalNaive(season_length=season))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fc = sf.forecast(df=df[["unique_id", "ds", "y"]], h=h, **({"level": level} if level else {}))
            fc = fc.reset_index() if "unique_id" not in fc.columns else fc
            rename = {str(o): m for o, m in zip(objs, group, strict=True)}
            fc = fc.rename(columns=lambda c, rename=rename: next((m + c[len(o):] for o, m in rename.items()
                                                                   if c == o or c.startswith(o + "-")), c))
            out = fc if out is None else out.merge(fc, on=["unique_id", "ds"], how="left")
        return out

    def _ml_predict(self, df, freq, season, h) -> pd.DataFrame:
        min_len = int(df.groupby("unique_id").size().min())
        mlf = lgbm_forecaster(freq, season, max(min_len, 12), seed=self.seed,
                              num_threads=self.n_jobs or n_jobs_default(), n_series=df["unique_id"].nunique())
        frame = ml_frame(df, freq, self.exog_cols, self.country)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mlf.fit(frame, static_features=[])
            future = mlf.make_future_dataframe(h)
            future = add_holidays(future, freq, self.country)
            last = df.sort_values("ds").groupby("unique_id")[list(self.exog_cols)].last()
            for c in self.exog_cols:  # unknown future prices and promotions: keep the last value
                future[c] = future["unique_id"].map(last[c]).fillna(0.0)
            fc = mlf.predict(h, X_df=future)
        return fc[["unique_id", "ds", "LightGBM"]]

    # --- forecasting -----------------------------------------------------------------
    def predict(self, h: int | None = None) -> pd.DataFrame:
        """Forecasts ``unique_id, ds, y_hat, lo_<level>, hi_<level>, model`` for the next ``h`` periods."""
        if not hasattr(self, "base_forecasts_"):
            raise NotFittedError("DemandForecaster is not fitted; call fit(series) first")
        h = int(h or self.horizon)
        if h > self.horizon:
            raise DataError(f"fitted for {self.horizon} periods; refit with horizon={h}")
        fc = self.base_forecasts_.copy()
        fc["step"] = fc.groupby("unique_id")["ds"].rank(method="first").astype(int)
        fc = fc[fc["step"] <= h]
        names = fc["unique_id"].map(self.choice_).fillna(self.default_choice_)
        used = {n: self.cands_[n] for n in set(names)}
        fc = add_candidates(fc, used)
        y_hat = _pick_col(fc, names)
        lv = f"{self.level:g}"
        out = pd.DataFrame({"unique_id": fc["unique_id"].to_numpy(), "ds": fc["ds"].to_numpy(), "y_hat": y_hat})
        nonneg = fc["unique_id"].map(self.nonnegative_).fillna(False).to_numpy(bool)
        if self.conformal_ is not None:
            scale = fc["unique_id"].map(self.scale_).to_numpy(float)
            if self.conformal_.normaliser_ == "sigma":
                fc = add_sigmas(fc, used, self.level, fallback=scale)
                scale = _pick_col(fc, names + SIGMA_SUFFIX)
            lo, hi = self.conformal_.interval(y_hat, scale, fc["step"].to_numpy(), nonnegative=nonneg)
        else:
            lo = hi = np.full(len(out), np.nan)
        out["y_hat"] = np.where(nonneg, np.maximum(out["y_hat"], 0.0), out["y_hat"])
        closed = fc[CLOSED].to_numpy(bool) if CLOSED in fc else np.zeros(len(out), bool)
        out["y_hat"] = np.where(closed, 0.0, out["y_hat"])
        lo, hi = np.where(closed, 0.0, lo), np.where(closed, 0.0, hi)
        out[f"lo_{lv}"], out[f"hi_{lv}"] = lo, hi
        out["model"] = names.to_numpy()
        return out.reset_index(drop=True)


def _pick_col(frame: pd.DataFrame, names: pd.Series) -> np.ndarray:
    names = pd.Series(names).reset_index(drop=True)
    cols = frame[list(pd.unique(names))]
    idx = cols.columns.get_indexer(names)
    return cols.to_numpy(float)[np.arange(len(frame)), idx]
