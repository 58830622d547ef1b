"""The customers HTML report: backtest table, decile and calibration charts (inline SVG, no CDN)."""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd

from growthpilot.customers.backtest import calibration_table, decile_table

_STYLE = """body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.card{display:inline-block;
vertical-align:top;border:1px solid #ddd;border-radius:6px;padding:8px 12px;margin:6px;width:300px}
svg text{font-size:11px}"""


def bar_chart_svg(labels: list[str], series: dict[str, list[float]], *, title: str, width: int = 520,
                  height: int = 260) -> str:
    """Grouped bar chart as an SVG string."""
    colors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"]
    pad, n, k = 40, len(labels), len(series)
    vmax = max((max(v) for v in series.values() if len(v)), default=1.0) or 1.0
    gw = (width - 2 * pad) / max(n, 1)
    bw = gw * 0.8 / max(k, 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">',
             f'<text x="{width / 2}" y="14" text-anchor="middle" font-weight="bold">{html.escape(title)}</text>',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#444"/>']
    for i, lab in enumerate(labels):
        x0 = pad + i * gw + gw * 0.1
        for j, (_name, vals) in enumerate(series.items()):
            h = (height - 2 * pad) * float(vals[i]) / vmax
            parts.append(f'<rect x="{x0 + j * bw:.1f}" y="{height - pad - h:.1f}" width="{bw:.1f}" '
                         f'height="{h:.1f}" fill="{colors[j % 4]}"/>')
        parts.append(f'<text x="{x0 + gw * 0.4:.1f}" y="{height - pad + 14}" text-anchor="middle">'
                     f'{html.escape(lab)}</text>')
    for j, name in enumerate(series):
        parts.append(f'<rect x="{pad + j * 110}" y="22" width="10" height="10" fill="{colors[j % 4]}"/>'
                     f'<text x="{pad + j * 110 + 14}" y="31">{html.escape(name)}</text>')
    parts.append(f'<text x="4" y="{pad}">{vmax:.3g}</text></svg>')
    return "".join(parts)


def calibration_svg(pred: np.ndarray, obs: np.ndarray, *, title: str, size: int = 300) -> str:
    """Reliability diagram (predicted vs observed) as an SVG string."""
    pad = 36
    s = size - 2 * pad

    def xy(p: float, o: float) -> tuple[float, float]:
        return pad + s * p, size - pad - s * o

    pts = " ".join(f"{xy(p, o)[0]:.1f},{xy(p, o)[1]:.1f}" for p, o in zip(pred, obs, strict=True))
    dots = "".join(f'<circle cx="{xy(p, o)[0]:.1f}" cy="{xy(p, o)[1]:.1f}" r="3" fill="#4e79a7"/>'
                   for p, o in zip(pred, obs, strict=True))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" role="img">'
            f'<text x="{size / 2}" y="14" text-anchor="middle" font-weight="bold">{html.escape(title)}</text>'
            f'<rect x="{pad}" y="{pad}" width="{s}" height="{s}" fill="none" stroke="#444"/>'
            f'<line x1="{pad}" y1="{size - pad}" x2="{size - pad}" y2="{pad}" stroke="#aaa" stroke-dasharray="4"/>'
            f'<polyline points="{pts}" fill="none" stroke="#4e79a7"/>{dots}'
            f'<text x="{size / 2}" y="{size - 8}" text-anchor="middle">predicted</text>'
            f'<text x="10" y="{size / 2}" transform="rotate(-90 10 {size / 2})" text-anchor="middle">observed</text>'
            "</svg>")


def _table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for r in df.itertuples(index=False):
        cells = "".join(f"<td>{v:.4g}</td>" if isinstance(v, float) else f"<td>{html.escape(str(v))}</td>"
                        for v in r)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def render_report(*, title: str, summary: dict, backtest: dict[str, dict[str, float]],
                  holdout_pred: pd.DataFrame | None, holdout_actual: pd.DataFrame | None,
                  personas: pd.DataFrame, segment_counts: pd.DataFrame) -> str:
    """Self-contained HTML: summary, backtest against baselines, charts, persona cards."""
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
             f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"]
    parts.append(_table(pd.DataFrame([{"item": k, "value": str(v)} for k, v in summary.items()])))
    if backtest:
        parts.append("<h2>Backtest inside the training period (holdout = the last horizon before the cutoff)</h2>")
        cols = ["purchases_mae", "purchases_rmse", "spend_mae", "spearman", "total_spend_error", "decile_lift",
                "auc", "pr_auc", "brier", "ece", "lift_top10"]
        parts.append(_table(pd.DataFrame([{"model": m, **{c: v.get(c, float("nan")) for c in cols}}
                                          for m, v in backtest.items()])))
    if holdout_pred is not None and holdout_actual is not None:
        dec = decile_table(holdout_pred["expected_spend"].to_numpy(), holdout_actual["spend"].to_numpy(float),
                           holdout_pred["expected_spend"].to_numpy())
        parts.append(bar_chart_svg([str(d) for d in dec.decile],
                                   {"predicted spend": list(dec.predicted), "actual spend": list(dec.actual)},
                                   title="Holdout spend by predicted decile (1 = top)"))
        cal = calibration_table(holdout_pred["p_purchase"].to_numpy(), holdout_actual["any"].to_numpy(float))
        parts.append(calibration_svg(cal.predicted.to_numpy(), cal.observed.to_numpy(),
                                     title="Calibration: P(purchase in horizon)"))
    parts.append("<h2>Segments</h2>" + _table(segment_counts))
    parts.append("<h2>Personas</h2>")
    for r in personas.itertuples(index=False):
        traits = json.loads(r.traits)
        items = "".join(f"<li>{html.escape(t)}</li>" for t in traits.get("defining", []))
        parts.append(f"<div class='card'><b>{html.escape(str(r.kind))}: {html.escape(str(r.segment))}</b><br>"
                     f"{r.size} customers, {r.revenue_share:.1%} of revenue<ul>{items}</ul></div>")
    parts.append("</body></html>")
    return "".join(parts)
