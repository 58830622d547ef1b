"""The forecast stage: orders (or any long file) -> series at each level -> forecasts, trends, report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from growthpilot.errors import DataError
from growthpilot.forecast.conformal import own_cutoffs
from growthpilot.forecast.data import series_from_orders
from growthpilot.forecast.forecaster import MODEL_VERSION, DemandForecaster
from growthpilot.forecast.hierarchy import SEP, reconcile, summing_matrix
from growthpilot.forecast.report import render_report
from growthpilot.forecast.table import TRENDS, to_forecasts_table
from growthpilot.forecast.trends import anomalies, promotion_effect, trends

NESTED = ("total", "category", "product")


@dataclass
class ForecastOutput:
    """What one forecast run produced."""

    forecasts: pd.DataFrame
    trends: pd.DataFrame
    anomalies: pd.DataFrame
    promotions: pd.DataFrame
    ranking: pd.Series
    report_path: Path | None = None
    metrics: dict = field(default_factory=dict)


def level_of(uid: str, levels: Sequence[str]) -> str:
    if uid == "total":
        return "total"
    head = uid.split(SEP, 1)[0]
    return head if head in levels and SEP in uid else levels[-1]


def build_series(orders: pd.DataFrame, products: pd.DataFrame | None, *, levels: Sequence[str], freq: str,
                 measure: str, top: int | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Series for every requested level; ids of upper levels are prefixed ``level/``.

    Returns the frame and, when the levels nest (total > category > product), the product ->
    category mapping used for reconciliation.
    """
    parts = []
    for lv in levels:
        s = series_from_orders(orders, level=lv, freq=freq, measure=measure, products=products,
                               top=top if lv == "product" else None)
        if lv not in ("total", "product") or (lv == "product" and len(levels) > 1 and levels[-1] != "product"):
            s["unique_id"] = lv + SEP + s["unique_id"]
        parts.append(s)
    df = pd.concat(parts, ignore_index=True)
    mapping = None
    nested = [lv for lv in levels if lv in NESTED]
    if len(nested) >= 2 and levels[-1] == "product" and top is None and set(levels) <= set(NESTED):
        if "category" in levels and (products is None or "category" not in products):
            return df, None
        mapping = products[["product_id", "category"]].rename(columns={"product_id": "unique_id"}) \
            if products is not None else pd.DataFrame({"unique_id": df["unique_id"].unique()})
        mapping = mapping[mapping["unique_id"].isin(df["unique_id"])]
        mapping["category"] = mapping.get("category", pd.Series("unknown", index=mapping.index)).fillna("unknown")
    elif len(levels) == 2 and levels[0] == "total" and levels[1] != "total":
        # one level under the total (category, country, channel, ...): its series sum to the total
        mapping = pd.DataFrame({"unique_id": sorted(df.loc[df["unique_id"] != "total", "unique_id"].unique())})
    return df, mapping


def forecast_frame(df: pd.DataFrame, *, freq: str, horizon: int, levels: Sequence[str], mapping: pd.DataFrame | None,
                   reconcile_method: str = "mint_shrink", models: Sequence[str] | None = None,
                   exog_cols: Sequence[str] = (), country: str = "US",
                   on_step: Callable[[str], None] | None = None) -> tuple[pd.DataFrame, DemandForecaster]:
    """Fit the forecaster on every series and reconcile where the levels nest."""
    kw = {"models": models} if models else {}
    step = on_step or (lambda _msg: None)
    step("backtest and choice")
    fc = DemandForecaster(freq=freq, horizon=horizon, exog_cols=exog_cols, country=country, **kw).fit(df)
    step("forecast")
    pred = fc.predict()
    pred["level"] = [level_of(u, levels) for u in pred["unique_id"]]
    if mapping is not None and reconcile_method != "none":
        step("reconcile")
        up = list(levels[:-1])
        bottom = sorted(mapping["unique_id"])
        S = summing_matrix(mapping, up, bottom)
        keep = pred[pred["unique_id"].isin(S.index)]
        if set(keep["unique_id"]) == set(S.index):
            resid = None
            if reconcile_method == "mint_shrink" and not fc.backtest_.empty:
                bt = own_cutoffs(fc.backtest_)  # one forecast per date, not the extra origins
                resid = bt.assign(resid=bt["y"] - bt["chosen"])[["unique_id", "ds", "resid"]]
            method = reconcile_method if resid is not None else "bottom_up"
            rec = reconcile(keep, S, method=method, residuals=resid)
            shift = rec.set_index(["unique_id", "ds"])["y_hat"] - keep.set_index(["unique_id", "ds"])["y_hat"]
            pred = pred.set_index(["unique_id", "ds"])
            d = shift.reindex(pred.index).fillna(0.0)
            for col in ("y_hat", "lo_90", "hi_90"):
                pred[col] = pred[col] + d
            pred["model"] = pred["model"] + np.where(d.to_numpy() != 0, f" ({method})", "")
            pred = pred.reset_index()
    return pred, fc


def run_forecast(ws, *, levels: Sequence[str] = ("total", "category", "product"), freq: str = "W",
                 horizon: int = 8, measure: str = "units", top: int | None = None,
                 reconcile_method: str = "mint_shrink", models: Sequence[str] | None = None, country: str = "US",
                 series: pd.DataFrame | None = None, on_step: Callable[[str], None] | None = None) -> ForecastOutput:
    """The whole stage on a workspace: build series, forecast, trends, write tables and an HTML report."""
    wh = ws.warehouse
    mapping = None
    if series is None:
        if not wh.has_table("orders"):
            raise DataError("the workspace has no orders table; ingest orders first (growthpilot ingest ...) "
                            "or pass --data FILE with long-format series")
        orders = wh.read("orders")
        products = wh.read("products") if wh.has_table("products") else None
        series, mapping = build_series(orders, products, levels=levels, freq=freq, measure=measure, top=top)
        exog = ("price", "promo")
    else:
        levels, exog = ("series",), ()
    with ws.run("forecast", {"levels": list(levels), "freq": freq, "horizon": horizon, "measure": measure,
                             "top": top, "reconcile": reconcile_method}, model_version=MODEL_VERSION) as run:
        pred, fc = forecast_frame(series, freq=freq, horizon=horizon, levels=levels, mapping=mapping,
                                  reconcile_method=reconcile_method, models=models, exog_cols=exog,
                                  country=country, on_step=on_step)
        table = to_forecasts_table(pred, level="", run_id=run.run_id, model_version=MODEL_VERSION,
                                   measure=measure, freq=freq)
        table["level"] = pred["level"].to_numpy() if "series" not in levels else "series"
        wh.write("forecasts", table, mode="append" if wh.has_table("forecasts") else "replace")
        (on_step or (lambda _m: None))("trends")
        tr = trends(series, freq=freq)
        tr["level"] = [level_of(u, levels) for u in tr["unique_id"]]
        tr["run_id"] = run.run_id
        wh.write("forecast_trends", TRENDS.conform(tr, strict=False),
                 mode="append" if wh.has_table("forecast_trends") else "replace")
        an = anomalies(series, freq=freq)
        promo = pd.DataFrame()
        if "promo" in series and series["promo"].gt(0).any():
            by = None
            if mapping is not None and "category" in mapping:
                by = mapping.set_index("unique_id")["category"]
            promo = promotion_effect(series[~series["unique_id"].str.contains(SEP) & (series["unique_id"] != "total")],
                                     freq=freq, by=by)
        run.metrics.update({"series": int(series["unique_id"].nunique()), "rows": len(table),
                            "chosen": ",".join(sorted(set(fc.choice_))) or fc.default_choice_,
                            "rising": int((tr["direction"] == "rising").sum()),
                            "declining": int((tr["direction"] == "declining").sum()),
                            "anomalies": len(an)})
        if len(fc.ranking_):
            run.metrics["validation_mase"] = {k: round(float(v), 4) for k, v in fc.ranking_.items()}
        ids = _chart_ids(series, levels)
        page = render_report(
            title=f"Demand forecast ({measure}, {freq}, {horizon} periods)", history=series, forecasts=pred, ids=ids,
            sections={
                "Backtest ranking (mean MASE on the last windows, lower is better)":
                    fc.ranking_.rename("mase").reset_index().rename(columns={"index": "model"}),
                "Rising": tr[tr["direction"] == "rising"][["unique_id", "slope_pct", "change_pct", "q_value"]],
                "Declining": tr[tr["direction"] == "declining"].sort_values("slope_pct")[
                    ["unique_id", "slope_pct", "change_pct", "q_value"]],
                "Spikes and dips": an, "Promotion effect": promo},
            notes=[f"run {run.run_id}; chosen: {run.metrics['chosen']}; intervals: 90% split-conformal "
                   "calibrated on backtest errors."])
        ws.reports_dir.mkdir(parents=True, exist_ok=True)
        path = ws.reports_dir / f"{run.run_id}.html"
        path.write_text(page, encoding="utf-8")
        run.metrics["report"] = str(path)
    return ForecastOutput(table, tr, an, promo, fc.ranking_, path, dict(run.metrics))


def _chart_ids(series: pd.DataFrame, levels: Sequence[str], per_level: int = 3) -> list[str]:
    totals = series.groupby("unique_id")["y"].sum().sort_values(ascending=False)
    out: list[str] = []
    for lv in levels:
        ids = [u for u in totals.index if level_of(u, levels) == lv]
        out += ids[:per_level]
    return out
