"""The ``forecasts`` output table and its contract."""

from __future__ import annotations

import pandas as pd

from growthpilot.warehouse import TableContract, register

FORECASTS = register(TableContract(
    "forecasts",
    {
        "unique_id": "string", "level": "string", "ds": "timestamp", "y_hat": "float64",
        "lo_90": "float64", "hi_90": "float64", "model": "string", "measure": "string", "freq": "string",
        "model_version": "string", "run_id": "string",
    },
    keys=("run_id", "level", "unique_id", "ds"), required=("unique_id", "level", "ds", "y_hat", "run_id"),
    description="Demand forecasts per series and period with a 90% interval, the model that made them and the run.",
))

TRENDS = register(TableContract(
    "forecast_trends",
    {
        "unique_id": "string", "level": "string", "slope_pct": "float64", "change_pct": "float64",
        "p_value": "float64", "q_value": "float64", "direction": "string", "run_id": "string",
    },
    keys=("run_id", "level", "unique_id"), required=("unique_id", "level", "run_id"),
    description="Rising and declining series: Theil-Sen slope, Mann-Kendall p-value and FDR q-value.",
))


def to_forecasts_table(pred: pd.DataFrame, *, level: str, run_id: str, model_version: str, measure: str = "units",
                       freq: str = "") -> pd.DataFrame:
    """Shape :meth:`DemandForecaster.predict` output (90 % interval) as ``forecasts`` rows."""
    out = pred.rename(columns={"lo_90": "lo_90", "hi_90": "hi_90"}).copy()
    out["level"] = level
    out["run_id"] = run_id
    out["model_version"] = model_version
    out["measure"] = measure
    out["freq"] = freq
    return FORECASTS.conform(out, strict=False)
