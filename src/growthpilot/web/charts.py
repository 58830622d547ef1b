"""Small inline SVG charts rendered on the server (no JavaScript, no CDN: works offline)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

W, H, PAD = 640, 240, 40


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"


def bar_chart(labels: Sequence[str], values: Sequence[float], *, title: str = "") -> str:
    """Horizontal bars, one per label."""
    if not values:
        return '<p class="empty">No data yet.</p>'
    vmax = max(max(values), 1e-9)
    row = 22
    height = PAD + row * len(values)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {W} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg">']
    if title:
        parts.append(f'<text x="4" y="16" class="title">{escape(title)}</text>')
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = 28 + i * row
        width = max((W - 260) * (v / vmax), 0)
        parts.append(f'<text x="4" y="{y + 14}">{escape(str(label))[:28]}</text>'
                     f'<rect x="200" y="{y}" width="{width:.1f}" height="{row - 6}" class="bar"/>'
                     f'<text x="{205 + width:.1f}" y="{y + 14}">{_fmt(v)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(x: Sequence[str], y: Sequence[float], lo: Sequence[float] | None = None,
               hi: Sequence[float] | None = None, *, title: str = "") -> str:
    """A line over ``x`` with an optional shaded interval band."""
    if not y:
        return '<p class="empty">No data yet.</p>'
    vals = [v for v in [*y, *(lo or []), *(hi or [])] if v is not None]
    vmin, vmax = min(vals + [0.0]), max(vals + [1e-9])
    n = len(y)

    def px(i: int) -> float:
        return PAD + (W - 2 * PAD) * (i / max(n - 1, 1))

    def py(v: float) -> float:
        return H - PAD - (H - 2 * PAD) * ((v - vmin) / ((vmax - vmin) or 1.0))

    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {W} {H}" width="100%" '
             'xmlns="http://www.w3.org/2000/svg">']
    if title:
        parts.append(f'<text x="4" y="16" class="title">{escape(title)}</text>')
    if lo and hi:
        upper = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(hi))
        lower = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in reversed(list(enumerate(lo))))
        parts.append(f'<polygon points="{upper} {lower}" class="band"/>')
    line = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(y))
    parts.append(f'<polyline points="{line}" class="line"/>')
    parts.append(f'<text x="4" y="{py(vmax) + 4:.1f}">{_fmt(vmax)}</text>'
                 f'<text x="4" y="{py(vmin):.1f}">{_fmt(vmin)}</text>'
                 f'<text x="{PAD}" y="{H - 8}">{escape(str(x[0]))}</text>'
                 f'<text x="{W - PAD - 80}" y="{H - 8}">{escape(str(x[-1]))}</text></svg>')
    return "".join(parts)
