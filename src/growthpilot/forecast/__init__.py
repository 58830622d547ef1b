"""Demand and trend forecasting with honest backtests.

- :func:`prepare_series`, :func:`series_from_orders`: long ``unique_id, ds, y`` series at any level.
- :class:`DemandForecaster`: statsforecast (SeasonalNaive, AutoETS, AutoARIMA, AutoTheta) and a
  global LightGBM (mlforecast), log-scale variants for multiplicative data, an ensemble chosen by
  rolling-origin backtest, conformal intervals.
- :func:`evaluate`: nested backtest (choice on earlier windows) with MASE, sMAPE, bias, coverage.
- :func:`reconcile`: bottom-up or MinT-shrink reconciliation of nested levels.
- :func:`trends`, :func:`anomalies`, :func:`promotion_effect`: trend intelligence.
"""

from growthpilot.forecast.data import prepare_series, series_from_orders
from growthpilot.forecast.evaluate import Evaluation, evaluate
from growthpilot.forecast.forecaster import MODEL_VERSION, DemandForecaster
from growthpilot.forecast.hierarchy import aggregate, reconcile, summing_matrix
from growthpilot.forecast.table import FORECASTS
from growthpilot.forecast.trends import anomalies, promotion_effect, trends

__all__ = [
    "DemandForecaster", "Evaluation", "FORECASTS", "MODEL_VERSION", "aggregate", "anomalies", "evaluate",
    "prepare_series", "promotion_effect", "reconcile", "series_from_orders", "summing_matrix", "trends",
]
