"""Self-contained HTML report (inline SVG charts, no scripts, no CDN) for a marketing-mix run."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from growthpilot.mmm.optimize import BudgetPlan

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
_W, _H, _PAD = 760, 260, 48


def _scale(v: np.ndarray, lo: float, hi: float, a: float, b: float) -> np.ndarray:
    return a + (np.asarray(v, dtype=float) - lo) / ((hi - lo) or 1.0) * (b - a)


def _path(xs: np.ndarray, ys: np.ndarray) -> str:
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


def _axes(y_lo: float, y_hi: float, w: int, h: int, x_labels: tuple[str, str]) -> str:
    parts = [f'<line x1="{_PAD}" y1="{h - _PAD}" x2="{w - 10}" y2="{h - _PAD}" stroke="#888"/>',
             f'<line x1="{_PAD}" y1="10" x2="{_PAD}" y2="{h - _PAD}" stroke="#888"/>']
    for v in np.linspace(y_lo, y_hi, 4):
        y = _scale(v, y_lo, y_hi, h - _PAD, 10)
        parts.append(f'<text x="{_PAD - 4}" y="{y:.1f}" font-size="10" text-anchor="end">{_num(v)}</text>')
    parts.append(f'<text x="{_PAD}" y="{h - _PAD + 14}" font-size="10">{html.escape(x_labels[0])}</text>')
    parts.append(f'<text x="{w - 10}" y="{h - _PAD + 14}" font-size="10" text-anchor="end">'
                 f'{html.escape(x_labels[1])}</text>')
    return "".join(parts)


def _num(v: float) -> str:
    a = abs(v)
    return f"{v / 1e6:.1f}M" if a >= 1e6 else f"{v / 1e3:.0f}k" if a >= 1e4 else f"{v:.3g}"


def fit_chart(fit: pd.DataFrame, actual: np.ndarray) -> str:
    """Actual outcome against the model's mean with its interval band."""
    n = len(fit)
    xs = _scale(np.arange(n), 0, max(n - 1, 1), _PAD, _W - 10)
    lo_v, hi_v = float(min(fit["lo"].min(), np.min(actual))), float(max(fit["hi"].max(), np.max(actual)))
    sy = lambda v: _scale(v, lo_v, hi_v, _H - _PAD, 10)  # noqa: E731
    band = _path(xs, sy(fit["hi"])) + " L" + " L".join(
        f"{x:.1f},{y:.1f}" for x, y in zip(xs[::-1], sy(fit["lo"].to_numpy()[::-1]), strict=True)) + " Z"
    labels = (str(pd.Timestamp(fit["date"].iloc[0]).date()), str(pd.Timestamp(fit["date"].iloc[-1]).date()))
    return (f'<svg width="{_W}" height="{_H}" role="img" aria-label="fit">{_axes(lo_v, hi_v, _W, _H, labels)}'
            f'<path d="{band}" fill="#4e79a7" opacity="0.2"/>'
            f'<path d="{_path(xs, sy(fit["y_hat"]))}" stroke="#4e79a7" fill="none" stroke-width="1.5"/>'
            f'<path d="{_path(xs, sy(actual))}" stroke="#333" fill="none" stroke-width="1"/></svg>')


def contribution_chart(contrib: pd.DataFrame, channels: list[str]) -> str:
    """Stacked weekly media contribution per channel (posterior means)."""
    wide = contrib.pivot(index="date", columns="component", values="contribution")[channels].clip(lower=0)
    n = len(wide)
    xs = _scale(np.arange(n), 0, max(n - 1, 1), _PAD, _W - 10)
    top = wide.cumsum(axis=1)
    hi_v = float(top.iloc[:, -1].max()) or 1.0
    sy = lambda v: _scale(v, 0, hi_v, _H - _PAD, 10)  # noqa: E731
    labels = (str(wide.index[0].date()), str(wide.index[-1].date()))
    parts = [_axes(0, hi_v, _W, _H, labels)]
    below = np.zeros(n)
    for j, ch in enumerate(channels):
        upper = top[ch].to_numpy()
        d = _path(xs, sy(upper)) + " L" + " L".join(
            f"{x:.1f},{y:.1f}" for x, y in zip(xs[::-1], sy(below[::-1]), strict=True)) + " Z"
        parts.append(f'<path d="{d}" fill="{PALETTE[j % len(PALETTE)]}" opacity="0.85">'
                     f'<title>{html.escape(ch)}</title></path>')
        below = upper
    return f'<svg width="{_W}" height="{_H}" role="img" aria-label="contributions">{"".join(parts)}</svg>'


def response_chart(curves: pd.DataFrame, channel: str, color: str) -> str:
    """One channel's long-run weekly response curve with its band and the current spend marked."""
    w, h = 250, 180
    c = curves[curves["channel"] == channel]
    xs = _scale(c["weekly_spend"], 0, float(c["weekly_spend"].max()), _PAD, w - 10)
    hi_v = float(c["hi"].max()) or 1.0
    sy = lambda v: _scale(v, 0, hi_v, h - _PAD, 10)  # noqa: E731
    band = _path(xs, sy(c["hi"])) + " L" + " L".join(
        f"{x:.1f},{y:.1f}" for x, y in zip(xs[::-1], sy(c["lo"].to_numpy()[::-1]), strict=True)) + " Z"
    cur = c[c["current"]]
    mark = ""
    if len(cur):
        mark = (f'<circle cx="{_scale(cur["weekly_spend"].iloc[0], 0, float(c["weekly_spend"].max()), _PAD, w - 10):.1f}" '
                f'cy="{sy(cur["response"].iloc[0]):.1f}" r="4" fill="#000"><title>current spend</title></circle>')
    return (f'<svg width="{w}" height="{h}" role="img" aria-label="{html.escape(channel)}">'
            f'{_axes(0, hi_v, w, h, ("0", _num(float(c["weekly_spend"].max()))))}'
            f'<path d="{band}" fill="{color}" opacity="0.25"/>'
            f'<path d="{_path(xs, sy(c["response"]))}" stroke="{color}" fill="none" stroke-width="2"/>{mark}'
            f'<text x="{w / 2:.0f}" y="{h - 8}" font-size="11" text-anchor="middle">{html.escape(channel)}</text></svg>')


def _table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in r) + "</tr>" for r in df.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _cell(v: object) -> str:
    if isinstance(v, float | np.floating):
        return _num(float(v)) if abs(v) >= 1e4 else f"{v:.3f}"
    return html.escape(str(v))


def write_report(path: str | Path, *, title: str, roi: pd.DataFrame, contrib: pd.DataFrame, curves: pd.DataFrame,
                 fit: pd.DataFrame, actual: np.ndarray, plan: BudgetPlan | None, notes: list[str],
                 lift_check: pd.DataFrame | None = None) -> Path:
    """Write the HTML report and return its path (``lift_check``: :meth:`MarketingMixModel.lift_check`)."""
    channels = list(roi["channel"])
    legend = " ".join(f'<span style="color:{PALETTE[j % len(PALETTE)]}">&#9632; {html.escape(c)}</span>'
                      for j, c in enumerate(channels))
    roi_cols = ["channel", "spend", "contribution", "roi", "roi_low", "roi_high", "mroi", "mroi_low", "mroi_high"]
    curves_svg = "".join(response_chart(curves, c, PALETTE[j % len(PALETTE)]) for j, c in enumerate(channels))
    plan_html = ""
    if plan is not None:
        s = plan.summary()
        plan_html = (
            f"<h2>Recommended weekly split</h2><p>Budget {_num(plan.budget)} per week. Expected gain "
            f"{_num(s['gain_per_week'])} per week ({s['gain_pct']:.1f} %), {int(plan.interval * 100)} % interval "
            f"[{_num(s['gain_low'])}, {_num(s['gain_high'])}], probability of a gain {s['prob_gain']:.0%}.</p>"
            + _table(plan.allocation[["channel", "current", "recommended", "lower", "upper", "change_pct",
                                      "recommended_response"]]))
    check_html = ""
    if lift_check is not None and len(lift_check):
        check_html = ("<h2>Lift tests: measured and as the calibrated model replays them</h2><p>z = (measured - "
                      "modelled) / standard error; |z| &gt; 2 marks a test the weekly data disagree with.</p>"
                      + _table(lift_check))
    body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:24px;color:#222}}table{{border-collapse:collapse;margin:8px 0}}
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}th{{background:#f3f3f3}}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{"<br>".join(html.escape(n) for n in notes)}</p>
<h2>ROI by channel (90 % intervals)</h2>{_table(roi[roi_cols])}
<h2>Media contribution per week</h2><p>{legend}</p>{contribution_chart(contrib, channels)}
<h2>Response curves (long-run weekly response to weekly spend; dot = current)</h2><div>{curves_svg}</div>
{plan_html}
{check_html}
<h2>Fit: actual (black) and model (blue, 90 % band)</h2>{fit_chart(fit, actual)}
</body></html>"""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path
