"""Intermittent demand: which data sets are intermittent, and the models added for them.

A series is intermittent (or lumpy) when its average inter-demand interval (ADI: periods per period
with a sale) is above 1.32, the Syntetos-Boylan cut-off. When at least half of the series of a data
set are, the intermittent-demand models ADIDA (Nikolopoulos et al. 2011: forecast the demand
aggregated over the mean inter-demand interval, then spread it) and IMAPA (Petropoulos &
Kourentzes 2015: the same over several aggregation levels, averaged) join the candidates; the
choice by backtest then decides whether they are used. They forecast a demand rate (a mean), have
no interval of their own, and cost next to nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from growthpilot.forecast.metrics import ADI_INTERMITTENT, demand_interval

INTERMITTENT_CANDIDATES = ("ADIDA", "IMAPA")


def intermittent_share(df: pd.DataFrame) -> float:
    """Share of the series of ``unique_id, ds, y`` whose ADI is above 1.32."""
    if df.empty:
        return 0.0
    return float((demand_interval(df["y"], df["unique_id"]) > ADI_INTERMITTENT).mean())


def looks_intermittent(df: pd.DataFrame, min_share: float = 0.5) -> bool:
    """Whether at least ``min_share`` of the series are intermittent or lumpy (ADI > 1.32)."""
    return intermittent_share(df) >= min_share


def with_intermittent_models(df: pd.DataFrame, models: Sequence[str]) -> tuple[str, ...]:
    """``models`` plus ADIDA and IMAPA when the data set looks intermittent (and a statistical model is asked for)."""
    models = tuple(models)
    if not any(m in models for m in ("AutoETS", "AutoTheta", "AutoARIMA", "SeasonalNaive")) or not looks_intermittent(df):
        return models
    return models + tuple(m for m in INTERMITTENT_CANDIDATES if m not in models)
