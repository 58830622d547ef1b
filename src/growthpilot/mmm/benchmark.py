"""Benchmark logic behind ``benchmarks/mmm.py``: fit, out-of-time check, ROI against truth.

The model is fitted on all but the last ``holdout_weeks`` weeks; the out-of-time MAPE
compares its forecast for those weeks (given their spend and controls) with the actual
outcome. Lift tests in the held-out weeks still calibrate the model (they are experiments, not
the outcome series): they are replayed on those weeks' known spend. ROI is reported over the
whole window (spend of the held-out weeks is known).
With lift tests the model is fitted twice, without and with calibration, so the table
shows what calibration changes; with a known truth (``--simulate``) each is scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from growthpilot.errors import DataError
from growthpilot.mmm.data import MIN_WEEKS, prepare_weekly
from growthpilot.mmm.model import MarketingMixModel
from growthpilot.mmm.summary import mape, roi_table


@dataclass
class BenchmarkResult:
    """Per-variant ROI tables, predictions, metrics, and the calibrated fit's lift-test check."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    predictions: pd.DataFrame | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    lift_check: pd.DataFrame | None = None


def score_against_truth(table: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """ROI error, 90 % coverage and rank agreement against a truth table (``channel, true_roi``)."""
    t = table.merge(truth[["channel", "true_roi"]], on="channel")
    err = (t["roi"] / t["true_roi"] - 1).abs()
    inside = (t["roi_low"] <= t["true_roi"]) & (t["true_roi"] <= t["roi_high"])
    rho = float(spearmanr(t["roi"], t["true_roi"]).statistic) if len(t) > 2 else float("nan")
    return {"roi_mape": float(err.mean() * 100), "roi_max_abs_err": float(err.max() * 100),
            "roi_within_20pct": float((err < 0.2).mean()), "roi_coverage_90": float(inside.mean()),
            "roi_rank_spearman": rho}


def run_benchmark(
    data: pd.DataFrame,
    *,
    date_col: str,
    target_col: str,
    spend_cols: list[str],
    control_cols: list[str] | tuple[str, ...] = (),
    geo_col: str | None = None,
    lift_tests: pd.DataFrame | None = None,
    truth: pd.DataFrame | None = None,
    holdout_weeks: int = 8,
    compare_uncalibrated: bool = True,
    model_params: dict[str, Any] | None = None,
    truth_channel_map: dict[str, str] | None = None,
    log=print,
) -> BenchmarkResult:
    """Fit (uncalibrated and, with lift tests, calibrated), forecast the holdout, score ROI."""
    df = prepare_weekly(data, date_col=date_col, target_col=target_col, spend_cols=spend_cols,
                        control_cols=control_cols, geo_col=geo_col)
    if df.attrs.get("note"):
        log(df.attrs["note"])
    if holdout_weeks < 0 or len(df) - holdout_weeks < MIN_WEEKS:
        raise DataError(f"{len(df)} weeks minus the {holdout_weeks} held out for the out-of-time check leaves "
                        f"{len(df) - holdout_weeks}; the model needs at least {MIN_WEEKS} to fit: give more history "
                        "or fewer --holdout-weeks")
    train = df.iloc[: len(df) - holdout_weeks] if holdout_weeks else df
    for col in spend_cols:
        if train[col].sum() <= 0:
            raise DataError(f"spend column {col!r} is zero in every training week (its spend is all in the last "
                            f"{holdout_weeks} held-out weeks): its ROI cannot be learnt; drop it or use fewer "
                            "--holdout-weeks")
    variants: list[tuple[str, pd.DataFrame | None]] = []
    has_lifts = lift_tests is not None and len(lift_tests) > 0
    if not has_lifts or compare_uncalibrated:
        variants.append(("uncalibrated", None))
    if has_lifts:
        variants.append(("calibrated", lift_tests))
    if truth is not None and truth_channel_map:
        truth = truth.assign(channel=truth["channel"].map(truth_channel_map).fillna(truth["channel"]))
    out = BenchmarkResult()
    for name, lifts in variants:
        log(f"fitting {name} model on {len(train)} weeks x {len(spend_cols)} channels ...")
        model = MarketingMixModel(**(model_params or {}))
        model.fit(train, date_col=date_col, target_col=target_col, spend_cols=spend_cols,
                  control_cols=control_cols, lift_tests=lifts,
                  spend_after=df.iloc[len(train):] if lifts is not None and holdout_weeks else None)
        pred = model.predict(df)
        if hasattr(model, "components_"):  # a mixture: score each family and the other weightings too
            for label, (post, info) in _mixture_variants(model).items():
                extra = f"{name}[{label}]"
                out.tables[extra], out.metrics[extra] = _score(
                    model, post, pred_mean(model, post, df), df, train, target_col, spend_cols, holdout_weeks,
                    truth, {"variant": extra, "calibrated": lifts is not None, **info})
        table, metrics = _score(model, model.posterior_, pred["y_hat"].to_numpy(), df, train, target_col, spend_cols,
                                holdout_weeks, truth, {"variant": name, "calibrated": lifts is not None,
                                                       "fit_seconds": model.fit_seconds_, **model.diagnostics_})
        if lifts is not None:
            out.lift_check = model.lift_check()
            if len(out.lift_check):
                z = out.lift_check["z"].to_numpy(float)
                metrics.update({"lift_mean_z": float(z.mean()), "lift_share_abs_z_over_2": float((abs(z) > 2).mean())})
        out.tables[name] = table
        out.metrics[name] = metrics
        out.predictions = pred.assign(actual=df[target_col].to_numpy(),
                                      split=np.where(np.arange(len(df)) < len(train), "train", "holdout"),
                                      variant=name)
        log(f"  {name}: fit {model.fit_seconds_:.0f}s, out-of-time MAPE {metrics['mape_oot']:.2f}%, "
            f"divergences {model.diagnostics_['divergences']}, max r-hat {model.diagnostics_['max_rhat']:.3f}")
    return out


def pred_mean(model: MarketingMixModel, posterior, df: pd.DataFrame) -> np.ndarray:
    """Posterior-mean outcome per week of ``df`` under ``posterior`` (the model's design for ``df``)."""
    dates, spend, controls = model.design(df)
    return posterior.mean_outcome(dates, spend, controls).mean(0)


def _mixture_variants(model: MarketingMixModel) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Each fitted family alone, and the mixture under the weightings it was not fitted with (with their weights)."""
    variants: dict[str, tuple[Any, dict[str, Any]]] = {
        fam: (m.posterior_, {"fit_seconds": m.fit_seconds_, "divergences": m.diagnostics_["divergences"]})
        for fam, m in model.components_.items()}
    for method in ("equal", "stacking", "pseudo-bma"):
        if method != model.mixture_weights:
            w = None if method == "equal" else model.family_weights(method)
            info = {f"weight_{f}": v for f, v in (w or {}).items()}
            variants[method] = (model.mixture_posterior(w), info)
    return variants


def _score(model, posterior, y_hat: np.ndarray, df: pd.DataFrame, train: pd.DataFrame, target_col: str,
           spend_cols: list[str], holdout_weeks: int, truth: pd.DataFrame | None,
           metrics: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """ROI table (with truth) and metrics (out-of-time and in-sample MAPE, truth scores) of one posterior."""
    hold = slice(len(train), len(df))
    actual = df[target_col].to_numpy()
    metrics = {**metrics, "mape_oot": mape(actual[hold], y_hat[hold]) if holdout_weeks else float("nan"),
               "mape_in_sample": mape(actual[: len(train)], y_hat[: len(train)]), "holdout_weeks": holdout_weeks}
    table = roi_table(posterior, df[spend_cols].to_numpy(float))
    if truth is not None:
        metrics.update(score_against_truth(table, truth))
        table = table.merge(truth[["channel", "true_roi"]], on="channel", how="left")
    return table, metrics


def _sig(v: float, digits: int = 6) -> float:
    """``v`` rounded to ``digits`` significant digits (ROI in outcome units per spend unit can be 0.0025 or 2500)."""
    v = float(v)
    return float(f"{v:.{digits}g}") if np.isfinite(v) else v


def final_metrics(result: BenchmarkResult) -> dict[str, Any]:
    """The last JSON line: ROI point and 90 % interval per spend column for the chosen (last) variant.

    ROI figures keep 6 significant digits, not a fixed number of decimals, so small ROIs (outcome
    in thousands, spend in units) keep their precision.
    """
    name = list(result.tables)[-1]
    t = result.tables[name]
    m = dict(result.metrics[name])
    js: dict[str, Any] = {
        "model": name,
        "roi": {r.channel: _sig(r.roi) for r in t.itertuples()},
        "roi_interval": {r.channel: [_sig(r.roi_low), _sig(r.roi_high)] for r in t.itertuples()},
        "mroi": {r.channel: _sig(r.mroi) for r in t.itertuples()},
        "mape_oot": round(m.pop("mape_oot"), 3), "fit_seconds": round(m.pop("fit_seconds"), 1),
    }
    js.update({k: (round(v, 4) if isinstance(v, float) else v) for k, v in m.items() if k != "variant"})
    for other, om in result.metrics.items():
        if other != name:
            js[other] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in om.items()
                         if k.startswith(("roi_", "mape_oot", "fit_seconds", "divergences", "weight_"))}
            js[other]["roi"] = {r.channel: _sig(r.roi) for r in result.tables[other].itertuples()}
    return js
