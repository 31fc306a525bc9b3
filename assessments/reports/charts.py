"""SVG charts for the PDF reports. Pure Python: figures in, an SVG string out (no Django, no query).

Every piece of text is XML-escaped here, because the template inserts the SVG unescaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from assessments import lke

WIDTH = 680
LABEL_W = 230
BAR_H = 11
ROW_H = 40
TOP = 34
PLOT_W = WIDTH - LABEL_W - 60
SERIES = (("unit_pct", "Unit", "#9db4d6"), ("tpi_pct", "TPI", "#1f4e8c"))
MIN_COLOURS = ("#d97706", "#15803d")


def _x(pct: Decimal) -> float:
    clamped = max(Decimal(0), min(Decimal(100), Decimal(pct)))
    return LABEL_W + float(clamped) * PLOT_W / 100


def area_chart_svg(rows: Sequence[Mapping], minimums: Mapping[str, Decimal]) -> str:
    """Horizontal bars of each change area (% of its weight, unit and TPI) against the per-area
    minimum of every predicate (``{"Menuju WBK": 60, "Menuju WBBM": 75}``), drawn as dashed lines.

    ``rows`` are :func:`assessments.pages.scores.area_rows` dicts (``number``, ``name``, ``unit_pct``,
    ``tpi_pct``)."""
    height = TOP + ROW_H * len(rows) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" class="area-chart" role="img">',
        '<title>Capaian area perubahan terhadap batas minimal</title>',
    ]
    # legend
    x = LABEL_W
    for _key, label, colour in SERIES:
        out.append(f'<rect x="{x}" y="6" width="12" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="15" font-size="10">{escape(label)}</text>')
        x += 60
    for (label, _minimum), colour in zip(minimums.items(), MIN_COLOURS, strict=False):
        out.append(f'<line x1="{x}" y1="11" x2="{x + 14}" y2="11" stroke="{colour}" stroke-width="2" '
                   'stroke-dasharray="4 2"/>')
        out.append(f'<text x="{x + 18}" y="15" font-size="10">{escape(f"Minimal {label}")}</text>')
        x += 130
    # grid
    for tick in range(0, 101, 20):
        gx = _x(Decimal(tick))
        out.append(f'<line x1="{gx:.1f}" y1="{TOP - 4}" x2="{gx:.1f}" y2="{TOP + ROW_H * len(rows)}" '
                   'stroke="#e5e7eb" stroke-width="0.6"/>')
        out.append(f'<text x="{gx:.1f}" y="{TOP + ROW_H * len(rows) + 14}" font-size="9" '
                   f'text-anchor="middle">{tick}%</text>')
    for i, row in enumerate(rows):
        y = TOP + i * ROW_H
        name = f"{row['number']}. {row['name']}"
        if len(name) > 42:
            name = name[:41] + "…"
        out.append(f'<text x="0" y="{y + 16}" font-size="10">{escape(name)}</text>')
        for j, (key, label, colour) in enumerate(SERIES):
            value = Decimal(row[key])
            by = y + 4 + j * (BAR_H + 3)
            bw = _x(value) - LABEL_W
            out.append(f'<rect x="{LABEL_W}" y="{by}" width="{bw:.1f}" height="{BAR_H}" fill="{colour}">'
                       f'<title>{escape(label)} {lke.format_id(value)}%</title></rect>')
            out.append(f'<text x="{LABEL_W + bw + 4:.1f}" y="{by + 9}" font-size="9">{lke.format_id(value)}%</text>')
    bottom = TOP + ROW_H * len(rows)
    for (label, minimum), colour in zip(minimums.items(), MIN_COLOURS, strict=False):
        mx = _x(Decimal(minimum))
        out.append(f'<line x1="{mx:.1f}" y1="{TOP - 4}" x2="{mx:.1f}" y2="{bottom}" stroke="{colour}" '
                   f'stroke-width="1.5" stroke-dasharray="4 2" data-minimum={quoteattr(label)}/>')
    out.append("</svg>")
    return "\n".join(out)
