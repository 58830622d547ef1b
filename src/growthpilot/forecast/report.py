"""A self-contained HTML report: history, forecast and interval charts as inline SVG (no CDN)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd

W, H, PAD = 640, 220, 36


def svg_chart(history: pd.DataFrame, forecast: pd.DataFrame, *, title: str, lo_col: str = "lo_90",
              hi_col: str = "hi_90") -> str:
    """One SVG: the history line, the forecast line and the shaded interval band."""
    hx = pd.to_datetime(history["ds"]).to_numpy()
    fx = pd.to_datetime(forecast["ds"]).to_numpy()
    xs = np.concatenate([hx, fx]).astype("datetime64[s]").astype(float)
    vals = np.concatenate([history["y"].to_numpy(float), forecast["y_hat"].to_numpy(float),
                           forecast[lo_col].to_numpy(float), forecast[hi_col].to_numpy(float)])
    vals = vals[np.isfinite(vals)]
    x0, x1 = float(xs.min()), float(xs.max()) if len(xs) else 1.0
    y0, y1 = (float(vals.min()), float(vals.max())) if len(vals) else (0.0, 1.0)
    y0, y1 = min(y0, 0.0), y1 if y1 > y0 else y0 + 1

    def px(t):
        return PAD + (np.asarray(t, float) - x0) / max(x1 - x0, 1) * (W - 2 * PAD)

    def py(v):
        return H - PAD + (np.asarray(v, float) - y0) / (y1 - y0) * -(H - 2 * PAD)

    def path(x, y):
        return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px(x), py(y), strict=True) if np.isfinite(b))

    fxs = fx.astype("datetime64[s]").astype(float)
    band = ""
    if forecast[lo_col].notna().any():
        upper = path(fxs, forecast[hi_col])
        lower = " ".join(reversed(path(fxs, forecast[lo_col]).split()))
        band = f'<polygon points="{upper} {lower}" fill="#9ecae1" opacity="0.5"/>'
    hist = f'<polyline points="{path(hx.astype("datetime64[s]").astype(float), history["y"])}" ' \
           'fill="none" stroke="#333" stroke-width="1.2"/>'
    fc = f'<polyline points="{path(fxs, forecast["y_hat"])}" fill="none" stroke="#d62728" stroke-width="1.8"/>'
    ticks = "".join(
        f'<text x="4" y="{py(v):.1f}" font-size="9">{v:,.0f}</text>' for v in np.linspace(y0, y1, 4)
    )
    dates = (f'<text x="{PAD}" y="{H - 8}" font-size="9">{str(pd.Timestamp(x0, unit="s").date())}</text>'
             f'<text x="{W - PAD - 60}" y="{H - 8}" font-size="9">{str(pd.Timestamp(x1, unit="s").date())}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" role="img" '
            f'aria-label="{html.escape(title)}"><text x="{PAD}" y="14" font-size="12" font-weight="bold">'
            f'{html.escape(title)}</text>{band}{hist}{fc}{ticks}{dates}</svg>')


def table_html(df: pd.DataFrame, *, max_rows: int = 20) -> str:
    if df is None or df.empty:
        return "<p><em>none</em></p>"
    return df.head(max_rows).to_html(index=False, float_format=lambda v: f"{v:,.3g}", border=0, classes="t")


def render_report(*, title: str, history: pd.DataFrame, forecasts: pd.DataFrame, ids: Sequence[str],
                  sections: dict[str, pd.DataFrame], notes: Sequence[str] = ()) -> str:
    """The whole report page: notes, charts for ``ids`` and one table per section."""
    charts = []
    for uid in ids:
        h = history[history["unique_id"] == uid].tail(200)
        f = forecasts[forecasts["unique_id"] == uid]
        if len(h) and len(f):
            charts.append(svg_chart(h, f, title=str(uid)))
    body = "".join(f"<p>{html.escape(n)}</p>" for n in notes)
    body += "<h2>History, forecast and 90% interval</h2>" + "".join(f"<div>{c}</div>" for c in charts)
    for name, df in sections.items():
        body += f"<h2>{html.escape(name)}</h2>{table_html(df)}"
    style = ("body{font-family:sans-serif;margin:24px;max-width:900px} table.t{border-collapse:collapse;"
             "font-size:12px} table.t td,table.t th{padding:2px 8px;border-bottom:1px solid #ddd}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>")
