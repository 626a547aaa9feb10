"""Reads for the risk register's pages: the heat maps, the list's rows and a risk's score path,
each a fixed number of queries whatever the number of risks."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from improvement.models import Risk
from improvement.rag import risk_band
from improvement.ratings import SCORE_MAX, SCORE_MIN

BEFORE, AFTER = "before", "after"
# The filter fields a cell of each map links to.
CELL_FILTERS = {BEFORE: ("likelihood", "impact"), AFTER: ("residual_likelihood", "residual_impact")}


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    count: int

    @property
    def band(self) -> str:
        return risk_band(self.likelihood * self.impact)


@dataclass(frozen=True)
class HeatRow:
    likelihood: int
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class HeatMap:
    """A 5 × 5 grid, most likely first, as risk registers and the pack draw it."""

    kind: str
    rows: tuple[HeatRow, ...]

    @property
    def total(self) -> int:
        return sum(cell.count for row in self.rows for cell in row.cells)

    @property
    def filters(self) -> tuple[str, str]:
        return CELL_FILTERS[self.kind]


def heat_map(counts: Counter, *, kind: str) -> HeatMap:
    scores = range(SCORE_MIN, SCORE_MAX + 1)
    return HeatMap(
        kind=kind,
        rows=tuple(
            HeatRow(
                likelihood=likelihood,
                cells=tuple(
                    HeatCell(likelihood, impact, counts.get((likelihood, impact), 0))
                    for impact in scores
                ),
            )
            for likelihood in reversed(scores)
        ),
    )


def heat_maps(risks) -> tuple[HeatMap, HeatMap]:
    """The risks by likelihood and impact, before and after controls: one grouped query each.
    A risk not yet scored after controls is in the first map only."""
    maps = []
    for kind in (BEFORE, AFTER):
        likelihood, impact = CELL_FILTERS[kind]
        rows = (
            risks.order_by()
            .exclude(**{f"{likelihood}__isnull": True})
            .exclude(**{f"{impact}__isnull": True})
            .values_list(likelihood, impact)
            .annotate(n=Count("pk"))
        )
        maps.append(heat_map(Counter({(li, im): n for li, im, n in rows}), kind=kind))
    return maps[0], maps[1]


@dataclass(frozen=True)
class ScoreStep:
    """One point of a risk's score path: its scores as a version left them."""

    on: object  # datetime
    likelihood: int
    impact: int
    score: int
    residual_likelihood: int | None
    residual_impact: int | None
    residual_score: int | None
    by: str
    note: str

    @property
    def band(self) -> str:
        return risk_band(self.score)

    @property
    def residual_band(self) -> str:
        return "" if self.residual_score is None else risk_band(self.residual_score)


def _who(row) -> str:
    user = row.history_user
    if user is None:
        return ""
    return user.get_full_name() or user.username


def score_path(risk: Risk) -> list[ScoreStep]:
    """The risk's scores over time from its history, oldest first: the first version and each
    that moved a score (a review that only changed the controls or the note is left out)."""
    steps, last = [], None
    for row in risk.history.select_related("history_user").order_by("history_date", "history_id"):
        scores = (row.likelihood, row.impact, row.residual_likelihood, row.residual_impact)
        if scores == last:
            continue
        last = scores
        steps.append(
            ScoreStep(
                on=row.history_date,
                likelihood=row.likelihood,
                impact=row.impact,
                score=row.score,
                residual_likelihood=row.residual_likelihood,
                residual_impact=row.residual_impact,
                residual_score=row.residual_score,
                by=_who(row),
                note=row.history_change_reason or "",
            )
        )
    return steps
