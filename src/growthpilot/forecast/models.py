"""The base models: five statsforecast models and one global LightGBM model (mlforecast).

Every base model is named by a short string; :func:`stat_model` builds the statsforecast
object and :func:`lgbm_forecaster` the mlforecast one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from growthpilot.errors import ValidationError
from growthpilot.forecast.features import HOLIDAY_COL, date_features
from growthpilot.forecast.frequency import minutes, normalize_freq

# intermittent-demand models (Croston family, temporal aggregation): statsforecast models without a
# parametric interval of their own, added by growthpilot.forecast.intermittent where the data call for them
INTERMITTENT_MODELS = ("CrostonSBA", "CrostonOptimized", "ADIDA", "IMAPA")
STAT_MODELS = ("SeasonalNaive", "AutoETS", "AutoARIMA", "AutoTheta", "MSTL", *INTERMITTENT_MODELS)
ML_MODELS = ("LightGBM",)
BASE_MODELS = tuple(m for m in STAT_MODELS if m not in INTERMITTENT_MODELS) + ML_MODELS


@dataclass(frozen=True)
class ArimaBudget:
    """How much search AutoARIMA may do: the full stepwise search, or a cheaper one for big panels.

    ``fast`` narrows the order search (p, q <= 2, P, Q <= 1), uses the CSS approximation and
    fits on the last ``input_size`` periods only; in backtests it also limits the other
    statistical models to recent history (16 horizons or 8 seasons, at least 120 periods).
    """

    fast: bool = False
    input_size: int | None = None


def check_models(models: Sequence[str]) -> tuple[str, ...]:
    from growthpilot.forecast.transform import LOG_MODELS

    known = BASE_MODELS + INTERMITTENT_MODELS + LOG_MODELS
    unknown = [m for m in models if m not in known]
    if unknown:
        raise ValidationError(f"unknown model(s) {unknown}", expected=f"names from {known}")
    return tuple(models)


def stat_model(name: str, season: int, budget: ArimaBudget | None = None, n_obs: int = 0):
    """A statsforecast model object for ``name`` with seasonal period ``season``.

    ``n_obs`` (typical series length) switches AutoARIMA to the CSS approximation above 150
    observations, as R's ``auto.arima`` does.
    """
    from statsforecast import models as sfm
    from statsforecast.models import MSTL, AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

    if name in INTERMITTENT_MODELS:
        return getattr(sfm, name)()
    if name == "SeasonalNaive":
        return SeasonalNaive(season_length=season)
    if name == "AutoETS":
        # ETS states cannot hold seasons longer than 24 periods; weekly data uses the
        # non-seasonal model there and leaves yearly seasonality to the other models.
        return AutoETS(season_length=season if season <= 24 else 1)
    if name == "AutoTheta":
        return AutoTheta(season_length=season)
    if name == "MSTL":
        # STL removes the seasonal pattern (any season length, weekly data's 52 included); a
        # non-seasonal AutoETS forecasts what is left (trend and level) and gives the interval.
        # Without a season there is nothing to decompose: the non-seasonal AutoETS alone.
        if season < 2:
            return AutoETS(model="ZZN", alias="MSTL")
        return MSTL(season_length=season, trend_forecaster=AutoETS(model="ZZN"))
    if name == "AutoARIMA":
        b = budget or ArimaBudget()
        long_season = season > 24
        if b.fast or long_season:
            return AutoARIMA(season_length=season, max_p=2, max_q=2, max_P=1, max_Q=1, max_order=4,
                             approximation=True, nmodels=20, seasonal=not long_season)
        return AutoARIMA(season_length=season, approximation=n_obs > 150)
    raise ValidationError("not a statsforecast model", value=name, expected=str(STAT_MODELS))


def lgbm_lags(freq: str, season: int, min_len: int) -> list[int]:
    """Lags for the global model: recent ones plus the seasonal lag where history allows."""
    f = normalize_freq(freq)
    base = {"D": [1, 2, 3, 7, 14, 21, 28], "B": [1, 2, 5, 10], "h": [1, 2, 24, 48, 168],
            "MS": [1, 2, 3, 6, 12, 24], "QS": [1, 2, 4, 8], "YS": [1, 2]}.get(f, [1, 2, 4, 52])
    if f.startswith("W"):
        base = [1, 2, 3, 4, 8, 13, 52]
    if minutes(f) is not None:  # sub-hourly: recent periods, an hour, a day, two days, a week
        base = [1, 2, 60 // minutes(f), season, 2 * season, 7 * season]
    lags = sorted({lag for lag in base if lag < max(2, min_len // 2)})
    if season < min_len // 2 and season not in lags:
        lags.append(season)
    return sorted(lags) or [1]


def lgbm_forecaster(freq: str, season: int, min_len: int, *, seed: int = 42, num_threads: int = 2,
                    n_series: int = 1):
    """The global LightGBM model over all series (mlforecast), scaled per series.

    Features: the lags of :func:`lgbm_lags`, rolling means of lag 1 over one and four
    seasons, calendar features for the frequency and any exogenous columns of the frame
    (holidays, price, promotion) as dynamic features.
    """
    import lightgbm as lgb
    from mlforecast import MLForecast
    from mlforecast.lag_transforms import RollingMean
    from mlforecast.target_transforms import LocalStandardScaler

    lags = lgbm_lags(freq, season, min_len)
    windows = sorted({w for w in (max(2, min(season, 8)), season, 4 * season) if 1 < w < min_len // 2})
    transforms = {1: [RollingMean(window_size=w) for w in windows]} if windows else {}
    small = n_series * min_len < 2000
    model = lgb.LGBMRegressor(
        n_estimators=300 if not small else 150, learning_rate=0.05, num_leaves=31 if not small else 8,
        min_child_samples=20 if not small else 5, subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
        reg_lambda=1.0, random_state=seed, verbose=-1,
        # OpenMP threads only pay off on big panels (and spin badly on a busy machine)
        n_jobs=num_threads if n_series * min_len > 100_000 else 1,
    )
    return MLForecast(
        models={"LightGBM": model}, freq=normalize_freq(freq), lags=lags, lag_transforms=transforms,
        date_features=date_features(freq), target_transforms=[LocalStandardScaler()], num_threads=1,
    )


ML_EXTRA_COLS = (HOLIDAY_COL,)
