"""The plan's figures on the dashboard: each a named read, each with the filter of the plan page
that lists what it counts, at a fixed number of queries whatever the plan's size."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.urls import reverse

from improvement import plan_cache
from improvement.filters import NO_THEME
from improvement.models import Action, Measure, Plan, Risk
from improvement.ratings import DUE_SOON_DAYS, NO_UPDATE_DAYS, RAG_SEVERITY, Rag, Status
from improvement.visit_selectors import findings_without_action


@dataclass(frozen=True)
class Segment:
    """One RAG's share of a theme's bar, as a link to the actions it counts."""

    rag: Rag
    count: int
    url: str
    # Where the bar's segment starts and how wide it is, in % of the widest theme's bar.
    x: float = 0
    width: float = 0


@dataclass(frozen=True)
class ThemeRag:
    name: str
    total: int
    url: str
    segments: list[Segment]


@dataclass(frozen=True)
class Figure:
    """A number on the dashboard and where its list is (the plan page filtered, or a list below):
    "3 actions overdue" is the count, the noun made plural by the page, and the label."""

    key: str
    noun: str
    label: str
    count: int
    url: str


@dataclass
class PlanFigures:
    plan: Plan
    themes: list[ThemeRag]
    actions: list[Figure]
    recommendations: list = field(default_factory=list)
    risks: list = field(default_factory=list)
    measures: list = field(default_factory=list)
    findings: list = field(default_factory=list)

    @property
    def all(self) -> list[Figure]:
        return self.actions + self.listed_below + [self.findings_figure]

    @property
    def findings_figure(self) -> Figure:
        """Monitoring visits' findings no live action answers: the visits list filtered to them."""
        url = reverse("improvement:visits", kwargs={"slug": self.plan.slug})
        return Figure(
            "findings",
            "finding",
            "with no action",
            len(self.findings),
            f"{url}?{urlencode({'unanswered': 'on'})}#unanswered",
        )

    @property
    def listed_below(self) -> list[Figure]:
        """The figures whose lists are on the dashboard itself, with their anchors."""
        return [
            Figure(
                "recommendations",
                "recommendation",
                "with no live action",
                len(self.recommendations),
                "#recommendations",
            ),
            Figure("risks", "risk", "above target", len(self.risks), "#risks"),
            Figure("measures", "measure", "off track", len(self.measures), "#measures"),
        ]


def _plan_url(plan: Plan, **query) -> str:
    return f"{plan.get_absolute_url()}?{urlencode(query)}" if query else plan.get_absolute_url()


def rag_by_theme(*, plan: Plan, today: datetime.date) -> list[ThemeRag]:
    """Each theme's actions by derived RAG, worst first, in the plan's theme order; actions with no
    theme last. Two queries (three with criteria plans), whatever the number of themes."""
    counts = plan.actions.derived_rag_counts_by_theme(today=today)
    themes = [(t.pk, t.name) for t in plan.themes.order_by("order", "name") if t.pk in counts]
    if None in counts:
        themes.append((None, NO_THEME))
    widest = max((sum(c.values()) for c in counts.values()), default=0) or 1
    rows = []
    for pk, name in themes:
        theme = "null" if pk is None else pk
        x, segments = 0.0, []
        for rag in RAG_SEVERITY:
            count = counts[pk][rag]
            width = 100 * count / widest
            url = _plan_url(plan, theme=theme, rag=rag.value)
            segments.append(Segment(rag=rag, count=count, url=url, x=x, width=width))
            x += width
        total = sum(counts[pk].values())
        rows.append(
            ThemeRag(name=name, total=total, url=_plan_url(plan, theme=theme), segments=segments)
        )
    return rows


def action_figures(*, plan: Plan, today: datetime.date) -> list[Figure]:
    actions = plan.actions.all()
    return [
        Figure(
            "overdue",
            "action",
            "overdue",
            actions.overdue(on=today).count(),
            _plan_url(plan, overdue="on"),
        ),
        Figure(
            "due_soon",
            "action",
            f"due in the next {DUE_SOON_DAYS} days",
            actions.due_within(on=today).count(),
            _plan_url(plan, due_soon="on"),
        ),
        Figure(
            "awaiting_sign_off",
            "action",
            "awaiting sign-off",
            actions.awaiting_sign_off().count(),
            _plan_url(plan, status=Status.AWAITING_SIGN_OFF),
        ),
        Figure(
            "slow",
            "action",
            f"slow to progress: no update for {NO_UPDATE_DAYS} days",
            actions.no_update_for(on=today).count(),
            _plan_url(plan, no_recent_update="on"),
        ),
    ]


def recommendations_without_live_action(plan: Plan):
    """The plan's recommendations no action answers but closed ones: the recommendation page's
    "no open or completed action answers this recommendation"."""
    live = Action.objects.filter(plan=plan, recommendations=OuterRef("pk")).exclude(
        status=Status.CLOSED
    )
    return (
        plan.recommendations()
        .exclude(Exists(live))
        .select_related("inspection")
        .order_by("inspection__title", "order", "reference")
    )


def risks_above_target(plan: Plan):
    return Risk.objects.filter(plan=plan).above_target().select_related("owner")


def measures_off_track(plan: Plan) -> list[Measure]:
    measures = list(
        Measure.objects.filter(plan=plan)
        .off_track()
        .select_related("plan")
        .order_by("order", "name")
    )
    for measure in measures:
        measure.rag = measure.rag_of(measure.latest_value)
    return measures


def plan_figures(*, plan: Plan, today: datetime.date) -> PlanFigures:
    # The action figures change only when the plan's actions do: kept under its stamp. Risks,
    # measures and findings are read each time (the stamp does not follow them).
    stamp = plan_cache.stamp(plan)

    def kept(name, build):
        return plan_cache.figure(plan, name, build, stamp=stamp, today=today)

    return PlanFigures(
        plan=plan,
        themes=kept("rag-by-theme", lambda: rag_by_theme(plan=plan, today=today)),
        actions=kept("action-figures", lambda: action_figures(plan=plan, today=today)),
        recommendations=kept(
            "recommendations-without-live-action",
            lambda: list(recommendations_without_live_action(plan)),
        ),
        risks=list(risks_above_target(plan)),
        measures=measures_off_track(plan),
        findings=list(findings_without_action(plan)),
    )
