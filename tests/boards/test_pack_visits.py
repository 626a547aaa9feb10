"""A board reads, in its pack, what the last monitoring visit found and which findings no action
answers yet, as the plan stood at the pack's date."""

import datetime

import pytest
from django.utils import timezone

from boards.pack.render import render_html
from boards.pack.schema import upgrade
from boards.pack.snapshot import pack_snapshot
from improvement.models import FindingResponse, Status
from tests import factories
from tests.boards.conftest import backdate_history

pytestmark = pytest.mark.django_db

SECTION = "Since the last monitoring visit"


@pytest.fixture
def visit(plan):
    return factories.MonitoringVisitFactory(
        plans=[plan], visited_on=datetime.date(2017, 1, 17), theme="Help and protection"
    )


@pytest.fixture
def answered_and_not(visit, plan, officer_lead):
    supervision = factories.FindingFactory(
        visit=visit, reference="1", text="Supervision is irregular."
    )
    timescales = factories.FindingFactory(visit=visit, reference="2", text="Plans lack timescales.")
    audit = factories.ActionFactory(
        plan=plan, reference="MV-1", lead=officer_lead, status=Status.IN_PROGRESS
    )
    FindingResponse.objects.create(finding=supervision, action=audit)
    return supervision, timescales, audit


def _visits_of(plan, day):
    return pack_snapshot(plan=plan, as_at=day, board=None)["visits"]


def test_the_pack_shows_the_last_visit_and_flags_the_finding_no_action_answers(
    plan, answered_and_not
):
    snapshot = pack_snapshot(plan=plan, as_at=timezone.localdate(), board=None)

    [visit] = snapshot["visits"]
    assert [(f["reference"], f["answered_by"]) for f in visit["findings"]] == [
        ("1", ["MV-1"]),
        ("2", []),
    ]
    html = render_html(snapshot)
    assert SECTION in html
    assert html.count("No action yet") == 1
    assert "1 monitoring-visit finding with no action yet." in html
    assert 'href="#visits"' in html


def test_a_link_made_after_the_packs_date_does_not_answer_the_finding_in_that_pack(
    plan, visit, officer_lead
):
    supervision = factories.FindingFactory(visit=visit, reference="1")
    audit = factories.ActionFactory(plan=plan, reference="MV-1", lead=officer_lead)
    backdate_history(timezone.localdate() - datetime.timedelta(days=10))
    FindingResponse.objects.create(finding=supervision, action=audit)

    [visit] = _visits_of(plan, timezone.localdate() - datetime.timedelta(days=1))

    assert [f["answered_by"] for f in visit["findings"]] == [[]]
    [today] = _visits_of(plan, timezone.localdate())
    assert [f["answered_by"] for f in today["findings"]] == [["MV-1"]]


def test_a_closed_action_answers_nothing(plan, answered_and_not):
    *_, audit = answered_and_not
    audit.status = Status.CLOSED
    audit.save()

    [visit] = _visits_of(plan, timezone.localdate())

    assert [f["answered_by"] for f in visit["findings"]] == [[], []]


def test_a_pack_dated_before_the_visit_has_no_visit_section(plan, answered_and_not):
    snapshot = pack_snapshot(plan=plan, as_at=datetime.date(2017, 1, 16), board=None)

    assert snapshot["visits"] == []
    assert SECTION not in render_html(snapshot)


def test_a_visit_of_another_plan_is_not_in_this_plans_pack(plan, foreign_plan):
    factories.MonitoringVisitFactory(plans=[foreign_plan], visited_on=datetime.date(2017, 1, 17))

    assert _visits_of(plan, timezone.localdate()) == []


def test_a_pack_issued_before_visits_were_frozen_reads_as_having_none(plan, answered_and_not):
    stored = pack_snapshot(plan=plan, as_at=timezone.localdate(), board=None)
    version_3 = {key: value for key, value in stored.items() if key != "visits"} | {"version": 3}

    upgraded = upgrade(version_3)

    assert (upgraded["version"], upgraded["visits"]) == (5, [])
    assert SECTION not in render_html(version_3)


def test_an_earlier_visits_unanswered_finding_is_listed_under_the_latest_visit(
    plan, answered_and_not
):
    later = factories.MonitoringVisitFactory(plans=[plan], visited_on=datetime.date(2017, 6, 6))
    factories.FindingFactory(visit=later, reference="1", text="Audits are now regular.")

    html = render_html(pack_snapshot(plan=plan, as_at=timezone.localdate(), board=None))

    assert "Findings of earlier visits with no action yet" in html
    assert "Plans lack timescales." in html
    assert "2 monitoring-visit findings with no action yet." in html


def test_a_visit_of_another_council_linked_to_the_plan_by_mistake_is_not_in_its_pack(
    plan, foreign_plan
):
    stray = factories.MonitoringVisitFactory(
        authority=foreign_plan.authority,
        plans=[foreign_plan],
        visited_on=datetime.date(2017, 1, 17),
    )
    plan.monitoring_visits.add(stray)

    assert _visits_of(plan, timezone.localdate()) == []
