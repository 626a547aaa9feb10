"""A measure's values as a small trend line: points for an inline SVG polyline, drawn on the
server so the page needs no script, with the values in words beside it for screen readers."""

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 120, 32, 3


@dataclass(frozen=True)
class Trend:
    points: str  # "x,y x,y ..." for <polyline points>
    target_y: float | None  # where the target line sits, when it is within the values' range
    width: int = WIDTH
    height: int = HEIGHT


def trend(values: list[float], *, target: float | None = None, width=WIDTH, height=HEIGHT):
    """None for fewer than two values: one value is not a trend."""
    if len(values) < 2:
        return None
    span_of = [*values, *([target] if target is not None else [])]
    low, high = min(span_of), max(span_of)
    span = (high - low) or 1

    def y(value: float) -> float:
        return round(height - PAD - (value - low) / span * (height - 2 * PAD), 1)

    step = (width - 2 * PAD) / (len(values) - 1)
    points = " ".join(f"{round(PAD + i * step, 1)},{y(v)}" for i, v in enumerate(values))
    return Trend(
        points=points,
        target_y=y(target) if target is not None else None,
        width=width,
        height=height,
    )
