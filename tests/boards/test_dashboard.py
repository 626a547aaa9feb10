"""The plan dashboard: every figure counts what its link lists, for the plan's readers only."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boards.pack.snapshot import take_snapshot
from improvement import services
from improvement.models import Action, Measure, PlanRole, Rag, Risk, Status
from improvement.rag import is_above_target, measure_off_track, measure_rag
from tests import factories
from tests.boards.conftest import backdate_history
from tests.improvement.conftest import bulk_actions

TODAY = timezone.localdate()
DAYS = datetime.timedelta


def dashboard_url(plan) -> str:
    return reverse("dashboard:plan", kwargs={"slug": plan.slug})


@pytest.fixture
def themed_plan(plan, officer_lead):
    people = factories.ThemeFactory(plan=plan, name="People", order=1)
    practice = factories.ThemeFactory(plan=plan, name="Practice", order=2)
    factories.ThemeFactory(plan=plan, name="Partnerships", order=3)  # no action: not shown

    def action(reference, **fields):
        return factories.ActionFactory(
            plan=plan, reference=reference, lead=officer_lead, text=f"Action {reference}", **fields
        )

    return {
        "overdue": action("A1", theme=people, due_on=TODAY - DAYS(3), status=Status.IN_PROGRESS),
        "due_soon": action("A2", theme=people, due_on=TODAY + DAYS(5), status=Status.NOT_STARTED),
        "awaiting": action(
            "A3", theme=practice, due_on=TODAY + DAYS(60), status=Status.AWAITING_SIGN_OFF
        ),
        "green": action(
            "A4",
            theme=practice,
            due_on=TODAY + DAYS(60),
            progress_rag=Rag.GREEN,
            status=Status.IN_PROGRESS,
        ),
        "done": action("A5", theme=practice, status=Status.COMPLETE, impact_evidence="Audit."),
        "unthemed": action("A6", due_on=TODAY + DAYS(90), status=Status.IN_PROGRESS),
    }


def _listed(client, url) -> list[str]:
    """The references the plan page lists at a figure's link."""
    response = client.get(url)
    assert response.status_code == 200
    return sorted(action.reference for action in response.context["page"].object_list)


def test_each_action_figure_counts_the_actions_its_link_lists(client, chair, themed_plan):
    # A5 is done; only A4 has had an update in the last 30 days.
    services.record_progress(
        action=themed_plan["green"],
        by=chair,
        expected_version=themed_plan["green"].version,
        commentary="On track.",
    )
    client.force_login(chair)

    response = client.get(dashboard_url(themed_plan["green"].plan))

    figures = {f.key: f for f in response.context["figures"].actions}
    expected = {
        "overdue": ["A1"],
        "due_soon": ["A2"],
        "awaiting_sign_off": ["A3"],
        "slow": ["A1", "A2", "A3", "A6"],
    }
    assert {key: _listed(client, f.url) for key, f in figures.items()} == expected
    assert {key: f.count for key, f in figures.items()} == {k: len(v) for k, v in expected.items()}
    page = response.content.decode()
    for figure in figures.values():
        assert f'href="{figure.url}"' in page


def test_rag_by_theme_counts_each_theme_worst_first_and_links_each_count(
    client, chair, themed_plan
):
    client.force_login(chair)

    themes = client.get(dashboard_url(themed_plan["done"].plan)).context["figures"].themes

    assert [(t.name, t.total) for t in themes] == [("People", 2), ("Practice", 3), ("No theme", 1)]
    people = {s.rag: s.count for s in themes[0].segments}
    assert people == {Rag.RED: 1, Rag.AMBER: 1, Rag.NOT_RATED: 0, Rag.GREEN: 0, Rag.BLUE: 0}
    assert [s.rag for s in themes[0].segments] == [
        Rag.RED,
        Rag.AMBER,
        Rag.NOT_RATED,
        Rag.GREEN,
        Rag.BLUE,
    ]
    practice = {s.rag: s for s in themes[1].segments}
    assert _listed(client, practice[Rag.BLUE].url) == ["A5"]
    assert _listed(client, practice[Rag.NOT_RATED].url) == ["A3"]
    assert _listed(client, themes[2].url) == ["A6"]
    # The widest bar is the full width; the others are to its scale.
    assert sum(s.width for s in themes[1].segments) == pytest.approx(100)
    assert sum(s.width for s in themes[0].segments) == pytest.approx(200 / 3)


def test_recommendations_with_no_live_action_are_listed_with_their_pages(
    client, chair, plan, officer_lead
):
    inspection = factories.InspectionFactory(title="Ofsted SIF Anytown 2016")
    plan.inspections.add(inspection)
    answered, closed_only, none = (
        factories.RecommendationFactory(inspection=inspection, reference=ref) for ref in "123"
    )
    factories.ActionFactory(plan=plan, lead=officer_lead).recommendations.add(answered)
    factories.ActionFactory(plan=plan, lead=officer_lead, status=Status.CLOSED).recommendations.add(
        closed_only
    )
    client.force_login(chair)

    response = client.get(dashboard_url(plan))

    assert [r.reference for r in response.context["figures"].recommendations] == ["2", "3"]
    assert f'href="/plans/{plan.slug}/recommendations/2/"' in response.content.decode()
    listed = {f.key: f.count for f in response.context["figures"].listed_below}
    assert listed["recommendations"] == 2


@pytest.mark.parametrize(
    ("likelihood", "impact", "residual", "target", "status", "above"),
    [
        (4, 4, None, 12, Risk.RiskStatus.OPEN, True),  # 16 before controls, none assessed
        (4, 4, (3, 3), 12, Risk.RiskStatus.OPEN, False),  # 9 after controls
        (4, 4, (3, 3), 6, Risk.RiskStatus.OPEN, True),
        (3, 4, None, 12, Risk.RiskStatus.OPEN, False),  # at target is not above it
        (5, 5, None, None, Risk.RiskStatus.OPEN, False),  # no target
        (5, 5, None, 4, Risk.RiskStatus.CLOSED, False),  # closed
    ],
)
def test_risks_above_target_follow_the_rating_rule(
    plan, likelihood, impact, residual, target, status, above
):
    residual_likelihood, residual_impact = residual or (None, None)
    risk = factories.RiskFactory(
        plan=plan,
        likelihood=likelihood,
        impact=impact,
        target_score=target,
        status=status,
        residual_likelihood=residual_likelihood,
        residual_impact=residual_impact,
    )
    risk.refresh_from_db()

    by_rule = status == Risk.RiskStatus.OPEN and is_above_target(
        score=risk.score, residual_score=risk.residual_score, target=target
    )
    assert by_rule == above
    assert (risk in Risk.objects.above_target()) == above


@pytest.mark.parametrize(
    ("direction", "values", "target", "off_track"),
    [
        (Measure.Direction.HIGHER, [70, 85], 80, False),  # the latest counts, not the worst
        (Measure.Direction.HIGHER, [85, 75], 80, True),  # amber: within 10%
        (Measure.Direction.HIGHER, [85, 50], 80, True),  # red
        (Measure.Direction.HIGHER, [80], 80, False),  # on target
        (Measure.Direction.LOWER, [30, 20], 25, False),
        (Measure.Direction.LOWER, [20, 26], 25, True),
        (Measure.Direction.LOWER, [20, 40], 25, True),
        (Measure.Direction.HIGHER, [], 80, False),  # no value yet: unrated
        (Measure.Direction.HIGHER, [10], None, False),  # no target: unrated
    ],
)
def test_measures_off_track_follow_the_measure_rag_rule(plan, direction, values, target, off_track):
    measure = factories.MeasureFactory(plan=plan, direction=direction, target=target)
    for n, value in enumerate(values):
        factories.MeasureValueFactory(
            measure=measure, value=value, period_ending=datetime.date(2017, 1 + n, 28)
        )

    latest = values[-1] if values else None
    assert measure_off_track(measure_rag(latest, target, direction)) == off_track
    assert (measure in Measure.objects.off_track()) == off_track


def test_risks_and_measures_off_track_are_listed_on_the_dashboard(client, chair, plan):
    factories.RiskFactory(plan=plan, reference="R7", likelihood=5, impact=4, target_score=8)
    measure = factories.MeasureFactory(plan=plan, name="Visits within timescale", target=80)
    factories.MeasureValueFactory(measure=measure, value=50)
    client.force_login(chair)

    response = client.get(dashboard_url(plan))

    page = response.content.decode()
    assert "Risk R7" in page
    assert "(rated 20, target 8; owner" in page
    assert "Visits within timescale: latest 50%, target 80%" in re.sub(r"<[^>]+>", "", page)
    assert {f.key: f.count for f in response.context["figures"].listed_below} == {
        "recommendations": 0,
        "risks": 1,
        "measures": 1,
    }


def test_movement_since_the_last_issued_pack(client, chair, improvement_lead, themed_plan):
    plan = themed_plan["green"].plan
    last_month = TODAY - DAYS(30)
    backdate_history(last_month)
    factories.PackFactory(
        plan=plan, as_at=last_month, snapshot=take_snapshot(plan=plan, as_at=last_month)
    )
    green = themed_plan["green"]
    services.record_progress(
        action=green,
        by=improvement_lead,
        expected_version=green.version,
        status=Status.COMPLETE,
        commentary="Delivered.",
    )
    client.force_login(chair)

    movement = client.get(dashboard_url(plan)).context["movement"]

    assert movement.pack.as_at == last_month
    moved = {m.key: [row["reference"] for row in m.rows] for m in movement.lists}
    assert moved["completed"] == ["A4"]
    # A1 fell due three days ago: a month ago, as the pack froze it, it was not yet overdue.
    assert moved["newly_overdue"] == ["A1"]
    completed = next(m for m in movement.lists if m.key == "completed")
    assert completed.rows[0]["url"] == f"/plans/{plan.slug}/actions/A4/"


def test_without_an_issued_pack_the_dashboard_says_there_is_nothing_to_compare(client, chair, plan):
    client.force_login(chair)

    response = client.get(dashboard_url(plan))

    assert response.context["movement"].pack is None
    assert response.context["no_pack_yet"] in response.content.decode()


def test_an_officer_reads_the_dashboard_but_not_the_movement_of_packs_they_cannot_read(
    client, officer, themed_plan
):
    client.force_login(officer)

    response = client.get(dashboard_url(themed_plan["done"].plan))

    assert response.status_code == 200
    assert response.context["movement"] is None
    assert "Since the last board pack" not in response.content.decode()


def test_another_councils_users_and_users_of_no_plan_get_the_404_of_a_missing_plan(
    client, foreign_officer, plan, foreign_plan
):
    factories.PlanRoleFactory(
        plan=foreign_plan,
        user=factories.UserFactory(username="otherton_chair"),
        role=PlanRole.Role.BOARD_CHAIR,
    )
    for username in ("foreign_officer", "otherton_chair"):
        client.force_login(factories.UserFactory._meta.model.objects.get(username=username))
        assert client.get(dashboard_url(plan)).status_code == 404
    client.force_login(factories.UserFactory(username="nobody"))
    assert client.get(dashboard_url(plan)).status_code == 404


def historied_actions(**kwargs):
    Action.history.bulk_history_create(bulk_actions(**kwargs))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_dashboard_costs_the_same_queries_at_5_and_500_actions(
    client, chair, improvement_lead, plan, officer_lead
):
    theme = factories.ThemeFactory(plan=plan, name="Practice")
    other = factories.ThemeFactory(plan=plan, name="People")
    inspection = factories.InspectionFactory()
    plan.inspections.add(inspection)
    for ref in ("1", "2"):
        factories.RecommendationFactory(inspection=inspection, reference=ref)
    factories.RiskFactory(plan=plan, likelihood=5, impact=5, target_score=4)
    factories.MeasureValueFactory(measure=factories.MeasureFactory(plan=plan, target=80))
    visit = factories.MonitoringVisitFactory(plans=[plan])
    factories.FindingFactory(visit=visit, reference="1")
    # With their history rows, so the movement's snapshot of today reads every action too.
    historied_actions(plan=plan, lead=officer_lead, count=3, theme=theme)
    historied_actions(plan=plan, lead=officer_lead, count=2, theme=other, start=3)
    factories.PackFactory(plan=plan, snapshot=take_snapshot(plan=plan, as_at=TODAY))
    client.force_login(chair)
    url = dashboard_url(plan)
    client.get(url)  # the session and permission caches, as on any later visit

    # Drawn afresh each time, as after a write: the figures kept between visits aside.
    cache.clear()
    at_5 = _queries(client, url)
    historied_actions(plan=plan, lead=officer_lead, count=495, theme=theme, start=5)
    cache.clear()
    at_500 = _queries(client, url)

    assert at_5 == at_500
    # A second visit with nothing written reads the action figures from the plan's stamp.
    assert _queries(client, url) <= at_500 - 7
    # 37: the 35 before monitoring visits, one for the findings with no action, and one the
    # movement's snapshot of today spends reading the reasons for due-date revisions (it leaves
    # the visits out).
    assert at_500 <= 37


def test_the_no_theme_filter_says_so_in_words(plan, officer_lead):
    from improvement.filters import ActionFilter, describe_filter

    factories.ActionFactory(plan=plan, lead=officer_lead)
    filterset = ActionFilter(
        {"theme": "null", "due_soon": "on"}, queryset=plan.actions.all(), plan=plan, today=TODAY
    )

    assert filterset.is_valid()
    assert describe_filter(filterset) == "Filtered: No theme; Due in the next 14 days only"


def test_rag_by_theme_counts_a_criteria_plan_by_its_criteria(client, officer_lead):
    plan = factories.PlanFactory(slug="criteria", rag_rule="criteria")
    plan.criteria = [{"key": "safe", "name": "Children are safe", "essential": True}]
    plan.save()
    theme = factories.ThemeFactory(plan=plan, name="Safety")
    for answer in (False, True, None):
        factories.ActionFactory(
            plan=plan,
            lead=officer_lead,
            theme=theme,
            due_on=TODAY + DAYS(30),
            status=Status.IN_PROGRESS,
            criteria={} if answer is None else {"safe": answer},
        )
    factories.ActionFactory(plan=plan, lead=officer_lead, due_on=TODAY - DAYS(1))
    chair = factories.UserFactory(username="criteria_chair")
    factories.PlanRoleFactory(plan=plan, user=chair, role=PlanRole.Role.BOARD_CHAIR)
    client.force_login(chair)

    themes = client.get(dashboard_url(plan)).context["figures"].themes

    assert [(t.name, {s.rag: s.count for s in t.segments if s.count}) for t in themes] == [
        ("Safety", {Rag.RED: 1, Rag.NOT_RATED: 1, Rag.GREEN: 1}),
        ("No theme", {Rag.RED: 1}),
    ]
    safety = {s.rag: s for s in themes[0].segments}
    assert len(_listed(client, safety[Rag.GREEN].url)) == 1


def test_a_finding_with_no_action_is_flagged_and_its_link_lists_it(
    client, chair, improvement_lead, plan, officer_lead
):
    from improvement import visit_services

    visit = factories.MonitoringVisitFactory(plans=[plan], visited_on=TODAY - DAYS(30))
    unanswered = factories.FindingFactory(visit=visit, reference="1", text="Plans lack dates.")
    answered = factories.FindingFactory(visit=visit, reference="2", text="Audits are late.")
    action = factories.ActionFactory(plan=plan, lead=officer_lead)
    visit_services.link_finding(plan=plan, finding=answered, by=improvement_lead, actions=[action])
    client.force_login(chair)

    response = client.get(dashboard_url(plan))

    figure = next(f for f in response.context["figures"].all if f.key == "findings")
    assert figure.count == 1
    page = response.content.decode()
    assert "Plans lack dates." in page
    assert "Audits are late." not in page
    listed = client.get(figure.url)
    assert listed.status_code == 200
    assert listed.context["findings"] == [unanswered]
