"""A small plan with a board, told as a story: the plan as it stood two months ago (the
history is back-dated to then), and what officers did since."""

import datetime
import io
from dataclasses import dataclass

import pytest
from django.test import TestCase
from django.utils import timezone
from pypdf import PdfReader

from boards.models import MeetingAction, Pack
from boards.services import issue_pack
from improvement.models import (
    Action,
    Evidence,
    FindingResponse,
    Lead,
    LinkChange,
    Measure,
    MeasureValue,
    Objective,
    PlanRole,
    Rag,
    Risk,
    Status,
    Theme,
)
from inspections.models import Finding, MonitoringVisit, Recommendation
from tests import factories
from tests.conftest import (
    anytown_plan,
    built_once_for_the_module,
    officer_of,
    plan_role_holder,
    safeguarding_lead,
)

HISTORIED = (
    Action,
    MonitoringVisit,
    Finding,
    FindingResponse,
    Measure,
    MeasureValue,
    Risk,
    MeetingAction,
    Recommendation,
    Theme,
    Objective,
    Lead,
    PlanRole,
    Evidence,
)
MARKUP = '<img src="file:///etc/passwd">'


def backdate_history(day: datetime.date) -> None:
    """Pretend every change recorded so far happened at noon on `day`."""
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    for model in HISTORIED:
        model.history.update(history_date=when)
    LinkChange.objects.update(at=when)


@dataclass
class Story:
    plan: object
    board: object
    meeting: object
    actions: dict
    today: datetime.date
    two_months_ago: datetime.date
    improvement_lead: object


def tell_story(*, plan, officer_lead, improvement_lead) -> Story:
    today = timezone.localdate()
    early = today - datetime.timedelta(days=60)
    people = factories.ThemeFactory(plan=plan, name="People", order=1)
    practice = factories.ThemeFactory(plan=plan, name="Practice", order=2)
    recruit = factories.ObjectiveFactory(plan=plan, theme=people, title="Recruit social workers")
    visits = factories.ObjectiveFactory(plan=plan, theme=practice, title="Visits are timely")
    inspection = factories.InspectionFactory()
    plan.inspections.add(inspection)
    recs = [
        factories.RecommendationFactory(inspection=inspection, reference=str(n), order=n)
        for n in (1, 2, 3)
    ]

    def action(ref, theme, objective, **fields):
        return factories.ActionFactory(
            plan=plan,
            reference=ref,
            theme=theme,
            objective=objective,
            lead=officer_lead,
            **fields,
        )

    actions = {
        "P1": action(
            "P1",
            people,
            recruit,
            text="Recruit ten permanent social workers",
            is_key_action=True,
            status=Status.IN_PROGRESS,
            progress_rag=Rag.AMBER,
            due_on=today + datetime.timedelta(days=90),
            commentary="Six offers made.",
        ),
        "P2": action(
            "P2",
            people,
            recruit,
            text="Reduce agency staff to 15%",
            status=Status.IN_PROGRESS,
            progress_rag=Rag.GREEN,
            due_on=early - datetime.timedelta(days=10),
            commentary="On track, says the service.",
        ),
        "Q1": action(
            "Q1",
            practice,
            visits,
            text="Audit statutory visits monthly",
            status=Status.COMPLETE,
            progress_rag=Rag.GREEN,
            impact_evidence="Audit shows 95% of visits in time.",
            due_on=early,
        ),
        "Q2": action(
            "Q2",
            practice,
            visits,
            text="Introduce a practice model",
            status=Status.IN_PROGRESS,
            progress_rag=Rag.RED,
            due_on=today + datetime.timedelta(days=120),
            commentary="Training delayed.",
        ),
        "Q3": action(
            "Q3",
            practice,
            visits,
            text=f"Publish the visits guide {MARKUP}",
            status=Status.NOT_STARTED,
            due_on=today + datetime.timedelta(days=200),
        ),
    }
    actions["P1"].recommendations.add(recs[0])
    actions["P2"].recommendations.add(recs[0])
    actions["Q1"].recommendations.add(recs[1])
    trend = factories.MeasureFactory(plan=plan, name="Visits in time", unit="%", target=90, order=1)
    for month in range(14):
        factories.MeasureValueFactory(
            measure=trend,
            period_ending=early - datetime.timedelta(days=30 * (14 - month)),
            label=f"M{month + 1:02d}",
            value=60 + 2 * month,
        )
    factories.MeasureFactory(plan=plan, name="Caseloads per worker", unit="children", order=2)
    factories.RiskFactory(
        plan=plan,
        reference="R1",
        description="Social workers leave",
        likelihood=4,
        impact=5,
        residual_likelihood=3,
        residual_impact=3,
        existing_controls="Retention payments",
        owner=officer_lead,
    )
    factories.RiskFactory(
        plan=plan, reference="R2", description="Data is unreliable", likelihood=2, impact=2
    )
    board = factories.BoardFactory(name="Anytown Improvement Board")
    board.plans.add(plan)
    earlier = factories.MeetingFactory(board=board, held_on=early - datetime.timedelta(days=30))
    factories.MeetingActionFactory(
        meeting=earlier,
        number=1,
        text="Report agency numbers",
        owner=officer_lead,
        due_on=today,
    )
    factories.MeetingActionFactory(
        meeting=earlier, number=2, text="Closed item", status=MeetingAction.ActionStatus.CLOSED
    )
    meeting = factories.MeetingFactory(board=board, held_on=today + datetime.timedelta(days=7))
    assert PlanRole.objects.filter(plan=plan).count() == 2
    backdate_history(early)
    return Story(
        plan=plan,
        board=board,
        meeting=meeting,
        actions=actions,
        today=today,
        two_months_ago=early,
        improvement_lead=improvement_lead,
    )


def issue_story_pack(story: Story) -> Pack:
    """The pack as at today for the story's plan, issued by its improvement lead."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        pack = issue_pack(
            plan=story.plan,
            board=story.board,
            meeting=story.meeting,
            as_at=story.today,
            by=story.improvement_lead,
        )
    pack.refresh_from_db()
    return pack


@pytest.fixture
def story(plan, officer_lead, chair, improvement_lead):
    return tell_story(plan=plan, officer_lead=officer_lead, improvement_lead=improvement_lead)


@pytest.fixture
def issued(story):
    return issue_story_pack(story)


def _reread(obj):
    return None if obj is None else type(obj)._default_manager.get(pk=obj.pk)


@dataclass
class Cast:
    """The story, the people who act in it and, once issued, its pack."""

    story: Story
    officer_lead: object
    officer: object
    chair: object
    pack: Pack | None = None

    def fresh(self) -> "Cast":
        """The same rows read again: what one test changes on its instances, the next never sees."""
        story = self.story
        return Cast(
            story=Story(
                plan=_reread(story.plan),
                board=_reread(story.board),
                meeting=_reread(story.meeting),
                actions={ref: _reread(action) for ref, action in story.actions.items()},
                today=story.today,
                two_months_ago=story.two_months_ago,
                improvement_lead=_reread(story.improvement_lead),
            ),
            officer_lead=_reread(self.officer_lead),
            officer=_reread(self.officer),
            chair=_reread(self.chair),
            pack=_reread(self.pack),
        )


def _cast() -> Cast:
    plan = anytown_plan()
    lead = safeguarding_lead()
    officer = officer_of(lead)
    chair = plan_role_holder(plan, username="chair", role=PlanRole.Role.BOARD_CHAIR)
    improvement_lead = plan_role_holder(
        plan, username="improvement_lead", role=PlanRole.Role.IMPROVEMENT_LEAD
    )
    story = tell_story(plan=plan, officer_lead=lead, improvement_lead=improvement_lead)
    return Cast(story=story, officer_lead=lead, officer=officer, chair=chair)


def _issued_cast() -> Cast:
    cast = _cast()
    cast.pack = issue_story_pack(cast.story)
    return cast


# A module whose tests share one story builds it once with these (a module fixture may not use
# the function-scoped persona fixtures, so the cast is made here) and hands each test
# `story_told_once.fresh()`: see built_once_for_the_module for what a test may write.
@pytest.fixture(scope="module")
def story_told_once(django_db_setup, django_db_blocker):
    yield from built_once_for_the_module(django_db_blocker, build=_cast)


@pytest.fixture(scope="module")
def story_issued_once(django_db_setup, django_db_blocker):
    """As story_told_once, with its pack issued: rendering the PDF takes seconds."""
    yield from built_once_for_the_module(django_db_blocker, build=_issued_cast)


def pdf_pages(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages]
