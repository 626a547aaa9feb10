"""Charts as SVG from pygal, shared by the pack and (later) the web pages.

Charts are decoration for sighted readers: every chart sits beside a table or sentence that
carries the same figures, and its alt text says so.
"""

import base64

import pygal
from pygal.style import Style

from boards.pack.glyphs import printable
from improvement.models import Rag

# Bars and lines are graphical objects: WCAG 1.4.11 asks 3:1 against the white plot, so amber
# is a dark ochre rather than the tag's yellow (1.35:1) and "not rated" a dark grey, and every
# fill is opaque (pygal draws at 70% opacity by default, which took amber to 1.25:1).
RAG_COLOURS = {
    Rag.RED: "#d4351c",
    Rag.AMBER: "#a86700",
    Rag.GREEN: "#00703c",
    Rag.BLUE: "#1d70b8",
    Rag.NOT_RATED: "#6f777b",
}
TREND_COLOURS = ("#1d70b8", "#d4351c")  # the measure, then its target
# The order the choices declare, which the RAG key and every count table follow.
RAG_ORDER = list(Rag)
FONT = "DejaVu Sans, Pack Symbols, Arial, sans-serif"


def _style(colours) -> Style:
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#0b0c0c",
        foreground_strong="#0b0c0c",
        foreground_subtle="#505a5f",
        colors=tuple(colours),
        opacity="1",
        opacity_hover="1",
        stroke_opacity="1",
        stroke_opacity_hover="1",
        font_family=FONT,
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=11,
        title_font_size=13,
        value_font_size=10,
        guide_stroke_color="#d0d2d3",
        guide_stroke_dasharray="0",
        major_guide_stroke_color="#b1b4b6",
        major_guide_stroke_dasharray="0",
    )


def _config(**extra) -> dict:
    # js=[] keeps pygal from pointing the SVG at its CDN: the pack fetches nothing.
    return {"js": [], "disable_xml_declaration": True, "show_y_guides": True, **extra}


def rag_by_theme(rows: list[dict]) -> str:
    """rows: [{"name": theme, "counts": {rag: n}}] → a stacked horizontal bar chart."""
    # pygal stacks the first label at the bottom; reversed, the bars read top down as the table.
    rows = rows[::-1]
    # Printed 170 mm wide (pack.css .glance-chart), so 15 px labels print at about 9.5 pt.
    style = _style(RAG_COLOURS[r] for r in RAG_ORDER)
    style.label_font_size = style.major_label_font_size = style.legend_font_size = 15
    chart = pygal.HorizontalStackedBar(
        **_config(
            width=760,
            height=90 + 38 * max(len(rows), 1),
            legend_at_bottom=True,
            legend_at_bottom_columns=len(RAG_ORDER),
            style=style,
            print_values=False,
        )
    )
    # The chart is an image the pack's HTML pass never reads, so its labels are made printable here.
    chart.x_labels = [printable(row["name"]) for row in rows]
    # Whole actions only: ticks at whole numbers, about eight of them.
    largest = max((sum(row["counts"].values()) for row in rows), default=0)
    step = max(1, -(-largest // 8))
    chart.y_labels = list(range(0, largest + step, step))
    for rag in RAG_ORDER:
        chart.add(rag.label, [row["counts"].get(rag.value, 0) or None for row in rows])
    return chart.render(is_unicode=True)


def measure_trend(*, values: list[dict], target: float | None, unit: str) -> str:
    # Drawn small and printed half a page wide (about 128 mm), so 14 px labels print near 9 pt.
    style = _style(TREND_COLOURS)
    style.label_font_size = style.major_label_font_size = style.legend_font_size = 14
    chart = pygal.Line(
        **_config(
            width=560,
            height=250,
            show_legend=target is not None,
            legend_at_bottom=True,
            x_label_rotation=30,
            dots_size=3,
            y_labels_major_count=5,
            show_minor_y_labels=False,
            style=style,
        )
    )
    chart.x_labels = [printable(v["label"]) for v in values]
    chart.add(printable(unit) or "Value", [v["value"] for v in values])
    if target is not None:
        chart.add(
            "Target", [target] * len(values), show_dots=False, stroke_style={"dasharray": "6,4"}
        )
    return chart.render(is_unicode=True)


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
