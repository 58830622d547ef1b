"""Forecast accuracy: MASE, sMAPE, bias and interval coverage, per series and window."""

from __future__ import annotations

import numpy as np
import pandas as pd

ADI_INTERMITTENT = 1.32  # Syntetos-Boylan cut-off: average inter-demand interval above it = intermittent or lumpy


def demand_interval(y: pd.Series, ids: pd.Series) -> pd.Series:
    """Average inter-demand interval (ADI) per series: periods per non-zero period (1 = a sale every period)."""
    g = (y != 0).groupby(ids)
    return g.size() / g.sum().clip(lower=1)


def mase_scales(history: pd.DataFrame, cutoffs: pd.DataFrame, season: int, last: int | None = None,
                per_demand: bool = False) -> pd.DataFrame:
    """In-sample mean absolute seasonal-naive error of each series up to each cutoff.

    Parameters
    ----------
    history : ``unique_id, ds, y`` (the whole data set).
    cutoffs : ``unique_id, cutoff`` pairs.
    season : seasonal period (falls back to 1 when the training part is too short).
    last : only the last ``last`` periods before each cutoff (a scale that follows the recent level).
    per_demand : with ``last``, lengthen the window of intermittent series (ADI above 1.32 on the history
        up to the cutoff) to ``last x ADI`` periods, so that it holds about as many sales as a regular
        series' window: a few quiet weeks would otherwise make the scale of a lumpy series near zero.

    Returns
    -------
    ``unique_id, cutoff, scale``; ``scale`` is NaN when the series is constant (MASE undefined).
    """
    h = history[["unique_id", "ds", "y"]].sort_values(["unique_id", "ds"])
    rows = []
    for cutoff, ids in cutoffs.groupby("cutoff")["unique_id"]:
        part = h[(h["ds"] <= cutoff) & h["unique_id"].isin(ids)]
        if last is not None:
            keep = pd.Series(float(last), index=pd.Index(part["unique_id"].unique()))
            if per_demand:
                adi = demand_interval(part["y"], part["unique_id"])
                keep = keep.where(adi.reindex(keep.index) <= ADI_INTERMITTENT, np.ceil(last * adi))
            age = part.groupby("unique_id").cumcount(ascending=False).to_numpy()
            part = part[age < part["unique_id"].map(keep).to_numpy()]
        sizes = part.groupby("unique_id")["y"].transform("size")
        m = np.where(sizes > season + 1, season, 1)
        g = part.groupby("unique_id")["y"]
        diff_s = (part["y"] - g.shift(season)).abs()
        diff_1 = (part["y"] - g.shift(1)).abs()
        d = pd.Series(np.where(m == season, diff_s, diff_1), index=part.index)
        sc = d.groupby(part["unique_id"]).mean()
        rows.append(pd.DataFrame({"unique_id": sc.index, "cutoff": cutoff, "scale": sc.to_numpy()}))
    out = pd.concat(rows, ignore_index=True)
    out.loc[~(out["scale"] > 0), "scale"] = np.nan
    return out


def smape(y: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Symmetric absolute percentage error in percent, pointwise (0 where both are 0)."""
    den = np.abs(y) + np.abs(f)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, 200.0 * np.abs(y - f) / np.where(den > 0, den, 1.0), 0.0)


def score(frame: pd.DataFrame, pred_col: str, scales: pd.DataFrame, *, lo_col: str | None = None,
          hi_col: str | None = None) -> dict[str, float]:
    """Dataset-level scores of one forecast column of a backtest frame.

    MASE is averaged over series and windows (M4 style); sMAPE over points; bias is
    ``sum(forecast - actual) / sum(|actual|)`` in percent; coverage is the share of actuals
    inside ``[lo, hi]`` in percent.
    """
    per = per_window(frame, pred_col, scales)
    y = frame["y"].to_numpy(float)
    f = frame[pred_col].to_numpy(float)
    out = {
        "mase": float(per["mase"].mean()),
        "smape": float(np.mean(smape(y, f))),
        "bias_pct": float(100.0 * np.sum(f - y) / max(np.sum(np.abs(y)), 1e-12)),
    }
    if lo_col and hi_col:
        inside = (y >= frame[lo_col].to_numpy(float)) & (y <= frame[hi_col].to_numpy(float))
        out["coverage"] = float(100.0 * inside.mean())
        out["width"] = float(np.mean((frame[hi_col] - frame[lo_col]).to_numpy(float) / np.maximum(np.abs(y).mean(), 1e-12)))
    return out


def per_window(frame: pd.DataFrame, pred_col: str, scales: pd.DataFrame) -> pd.DataFrame:
    """MASE of one column for each (series, cutoff); rows whose scale is undefined are left out."""
    err = (frame["y"] - frame[pred_col]).abs()
    mae = err.groupby([frame["unique_id"], frame["cutoff"]]).mean().rename("mae").reset_index()
    mae = mae.merge(scales, on=["unique_id", "cutoff"], how="left")
    mae["mase"] = mae["mae"] / mae["scale"]
    return mae.dropna(subset=["mase"])
