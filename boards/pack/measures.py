"""The pack's measures: one table of every measure with values (target, latest, previous, change,
direction, RAG and a small trend line), charts only for those off track, and the measures with
no values named in one line.

From the frozen snapshot only; the RAG is the measure rule of improvement/rag.py.
"""

from boards.pack import charts, sparkline
from improvement.rag import measure_rag
from improvement.ratings import Rag

TREND_PERIODS = 12
# Off track in the pack's RAG key is red; amber (within 10% of the target) is slippage, shown in
# the table but not charted.
OFF_TRACK = (Rag.RED,)
DIRECTION_LABELS = {"higher": "Higher is better", "lower": "Lower is better"}
BETTER_WHEN = {"higher": "Higher", "lower": "Lower"}


def number(value: float | None) -> str:
    """A value as the board reads it: whole numbers without decimals, others to two places."""
    if value is None:
        return ""
    rounded = round(value, 2)
    return f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.2f}".rstrip("0")


def change(latest: float | None, previous: float | None, direction: str) -> dict | None:
    """The latest value less the previous one, and whether that is better in the measure's
    direction; None when either value is missing."""
    if latest is None or previous is None:
        return None
    difference = latest - previous
    if round(difference, 2) == 0:
        return {"value": 0.0, "label": "No change", "sense": "same"}
    better = difference > 0 if direction == "higher" else difference < 0
    sign = "+" if difference > 0 else "−"
    return {
        "value": difference,
        "label": f"{sign}{number(abs(difference))} ({'better' if better else 'worse'})",
        "sense": "better" if better else "worse",
    }


def _trend_alt(name: str, values: list[dict], unit: str) -> str:
    in_unit = f" ({unit})" if unit else ""
    listed = "; ".join(f"{v['label']} {number(v['value']) or 'no value'}" for v in values)
    return f"Trend of {name}{in_unit} over the last {len(values)} periods: {listed}."


def row(measure: dict) -> dict:
    values = measure["values"][-TREND_PERIODS:]
    latest = values[-1] if values else None
    previous = values[-2] if len(values) >= 2 else None
    latest_value = latest["value"] if latest else None
    rag = Rag(
        measure_rag(
            latest_value,
            measure["target"],
            measure["direction"],
            tolerance=measure.get("tolerance"),
        )
    )
    off_track = rag in OFF_TRACK
    trend = [v["value"] for v in values]
    return {
        **measure,
        "latest": latest,
        "previous": previous,
        "change": change(latest_value, previous and previous["value"], measure["direction"]),
        "trend_values": values,
        "rag": rag.value,
        "rag_label": rag.label,
        "off_track": off_track,
        "direction_label": DIRECTION_LABELS.get(measure["direction"], measure["direction"]),
        "better_when": BETTER_WHEN.get(measure["direction"], measure["direction"]),
        "sparkline": (
            sparkline.data_uri(trend, target=measure["target"]) if len(values) >= 2 else None
        ),
        "sparkline_alt": _trend_alt(measure["name"], values, measure["unit"]),
        # The full chart only where the board must act: off track with a line to draw.
        "chart": (
            charts.data_uri(
                charts.measure_trend(values=values, target=measure["target"], unit=measure["unit"])
            )
            if off_track and len(values) >= 2
            else None
        ),
    }


def section(snapshot: dict) -> dict:
    rows = [row(m) for m in snapshot["measures"]]
    with_values = [r for r in rows if r["latest"]]
    return {
        "rows": rows,
        "table": with_values,
        "off_track": [r for r in with_values if r["off_track"]],
        "without_values": [r["name"] for r in rows if not r["latest"]],
    }
