"""What every benchmark reports, and the one table `make bench` prints from it.

A benchmark module's `measure(scale)` returns Figures: scale 1 is the demo plan's size (its
action count, or its action workbook's rows), scale 10 ten times that. A figure's floor is what
the same work costs done the least way possible (openpyxl and a bulk insert, WeasyPrint alone,
the Django admin's changelist); the ratio is value ÷ floor value. Figures without a floor say "—".
"""

import csv
import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_ACTION_PLAN = ROOT / "fixtures" / "wirral" / "action_plan.csv"
# The line a benchmark's child process prints its figures on; everything else goes to stderr.
MARKER = "BENCH-FIGURES "
NONE = "—"
COLUMNS = ("benchmark", "figure", "size", "value", "floor", "floor value", "ratio", "goal")


@dataclass(frozen=True)
class Figure:
    benchmark: str
    figure: str
    size: str
    value: float
    unit: str
    floor: str = NONE
    floor_value: float | None = None
    goal: str = NONE
    # Whether the goal was met, when the benchmark can tell; None when there is no goal.
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if not self.floor_value:
            return None
        return self.value / self.floor_value


@cache
def demo_actions() -> int:
    """The demo plan's size: the rows of the action plan Wirral published (fixtures/wirral/)."""
    with open(DEMO_ACTION_PLAN, newline="", encoding="utf-8") as rows:
        return sum(1 for _ in csv.DictReader(rows))


def actions_at(scale: int) -> int:
    return demo_actions() * scale


def ratio_goal(ratio: float | None, most: float) -> tuple[str, bool | None]:
    """A goal of at most `most` times the floor, and whether `ratio` meets it."""
    return f"≤ {most:g}×", (None if ratio is None else ratio <= most)


def encode(figures: list[Figure]) -> str:
    return MARKER + json.dumps([asdict(f) for f in figures])


def decode(output: str) -> list[Figure]:
    """The figures in a child's stdout: the last marker line."""
    lines = [line for line in output.splitlines() if line.startswith(MARKER)]
    if not lines:
        return []
    return [Figure(**row) for row in json.loads(lines[-1][len(MARKER) :])]


def number(value: float, unit: str) -> str:
    """A value as the table shows it: seconds to 2 places, ms to 1 under 100, counts whole."""
    if unit == "s":
        text = f"{value:,.2f}" if value >= 1 else f"{value:.3f}"
    elif unit == "ms":
        text = f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
    elif float(value).is_integer() or unit in ("MB", "queries", "pages"):
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.2f}"
    return f"{text} {unit}".rstrip()


def _goal(figure: Figure) -> str:
    if figure.met is None:
        return figure.goal
    return f"{figure.goal} ({'met' if figure.met else 'missed'})"


def row(figure: Figure) -> list[str]:
    ratio = figure.ratio
    floor_value = NONE if figure.floor_value is None else number(figure.floor_value, figure.unit)
    return [
        figure.benchmark,
        figure.figure,
        figure.size,
        number(figure.value, figure.unit),
        figure.floor,
        floor_value,
        NONE if ratio is None else f"{ratio:.2f}×",
        _goal(figure),
    ]


def by_figure(figures: list[Figure]) -> list[Figure]:
    """Each figure's rows side by side (demo size, then 10×), figures in the order first met."""
    order: dict[tuple[str, str], int] = {}
    for figure in figures:
        order.setdefault((figure.benchmark, figure.figure), len(order))
    return sorted(figures, key=lambda f: order[(f.benchmark, f.figure)])


def table(figures: list[Figure]) -> list[str]:
    """A markdown table, one line per figure, in the order given."""
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|---|---|---|---:|---|---:|---:|---|",
    ]
    for figure in figures:
        cells = [cell.replace("|", "\\|") for cell in row(figure)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
