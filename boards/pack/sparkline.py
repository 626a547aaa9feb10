"""A small trend line for a table row: an SVG drawn here, not by pygal, because it is a few
points on a polyline with no axes or labels.

It is an image with a text alternative (the values it draws), shown beside the row's latest and
previous values, so nothing is carried by the line alone. Missing values break the line.
"""

import base64

from boards.pack.charts import TREND_COLOURS

WIDTH = 90
HEIGHT = 18
PAD = 2.5
STROKE = TREND_COLOURS[0]  # the measure's colour in the charts, 5:1 against white
TARGET_STROKE = "#505a5f"


def _y(value: float, *, low: float, high: float) -> float:
    if high == low:
        return HEIGHT / 2
    return PAD + (high - value) * (HEIGHT - 2 * PAD) / (high - low)


def _runs(points: list[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Consecutive points that have a value: one polyline each."""
    runs, run = [], []
    for x, y in points:
        if y is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((x, y))
    if run:
        runs.append(run)
    return runs


def svg(values: list[float | None], *, target: float | None = None) -> str:
    known = [v for v in values if v is not None]
    scale = known + ([target] if target is not None else [])
    low, high = (min(scale), max(scale)) if scale else (0.0, 0.0)
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = [
        (PAD + n * step, None if v is None else _y(v, low=low, high=high))
        for n, v in enumerate(values)
    ]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}">'
    ]
    if target is not None and known:
        y = _y(target, low=low, high=high)
        parts.append(
            f'<line x1="{PAD}" y1="{y:.1f}" x2="{WIDTH - PAD}" y2="{y:.1f}" '
            f'stroke="{TARGET_STROKE}" stroke-width="1" stroke-dasharray="3,2"/>'
        )
    for run in _runs(points):
        if len(run) == 1:
            x, y = run[0]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="{STROKE}"/>')
            continue
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{STROKE}" stroke-width="1.8" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    last_x, last_y = next(((x, y) for x, y in reversed(points) if y is not None), (None, None))
    if last_x is not None:
        parts.append(f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.2" fill="{STROKE}"/>')
    parts.append("</svg>")
    return "".join(parts)


def data_uri(values: list[float | None], *, target: float | None = None) -> str:
    return (
        "data:image/svg+xml;base64,"
        + base64.b64encode(svg(values, target=target).encode()).decode()
    )
