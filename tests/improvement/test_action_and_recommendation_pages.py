"""One action with its whole story, and one recommendation with the actions answering it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.models import Evidence, Milestone, Rag, Status
from improvement.services import record_progress
from improvement.views import NO_ACTIONS_FOR_RECOMMENDATION
from tests.factories import ActionFactory, RecommendationFactory
from tests.improvement.conftest import bulk_actions


@pytest.fixture
def as_chair(client, chair):
    client.force_login(chair)
    return client


def _update(action, by, version, **changes):
    return record_progress(action=action, by=by, expected_version=version, **changes)


def test_the_timeline_shows_who_when_rag_change_and_commentary_newest_first(
    as_chair, overdue_action, officer, improvement_lead
):
    at = datetime.datetime(2017, 2, 1, 9, 30, tzinfo=datetime.UTC)
    _update(overdue_action, officer, 1, progress_rag=Rag.AMBER, commentary="First.", at=at)
    _update(
        overdue_action,
        improvement_lead,
        2,
        progress_rag=Rag.RED,
        commentary="Second.",
        at=at + datetime.timedelta(days=7),
    )

    page = as_chair.get(overdue_action.get_absolute_url()).content.decode()

    assert page.index("Second.") < page.index("First.")
    assert "Olive Officer" in page
    assert "08/02/2017 09:30" in page
    timeline = page[page.index('id="timeline"') :]
    assert timeline.index("tracker-rag--amber") < timeline.index("tracker-rag--red")


def test_the_derived_rag_is_shown_beside_the_reported_one_with_the_disagreement(
    as_chair, overdue_action
):
    response = as_chair.get(overdue_action.get_absolute_url())
    page = response.content.decode()

    assert response.context["action"].derived.rag == Rag.RED
    assert "reported green, 21 days overdue" in page
    assert '<strong class="govuk-tag tracker-rag tracker-rag--red">Red</strong>' in page
    assert '<strong class="govuk-tag tracker-rag tracker-rag--green">Green</strong>' in page


def test_the_action_page_lists_recommendations_milestones_and_evidence(
    as_chair, overdue_action, plan, officer
):
    rec = RecommendationFactory(reference="12")
    plan.inspections.add(rec.inspection)
    overdue_action.recommendations.add(rec)
    Milestone.objects.create(action=overdue_action, text="Audit tool agreed")
    Evidence.objects.create(
        action=overdue_action, link="https://intranet.example/a", description="Audit tool"
    )

    page = as_chair.get(overdue_action.get_absolute_url()).content.decode()

    assert f'href="/plans/{plan.slug}/recommendations/12/"' in page
    assert "Audit tool agreed" in page
    assert 'href="https://intranet.example/a"' in page


def test_a_chair_sees_no_update_button_and_the_lead_does(client, overdue_action, chair, officer):
    client.force_login(chair)
    assert (
        "Update this action" not in client.get(overdue_action.get_absolute_url()).content.decode()
    )

    client.force_login(officer)
    assert "Update this action" in client.get(overdue_action.get_absolute_url()).content.decode()


def test_the_history_cannot_be_edited_through_the_site(client, overdue_action, improvement_lead):
    _update(overdue_action, improvement_lead, 1, progress_rag=Rag.AMBER, commentary="Kept.")
    client.force_login(improvement_lead)

    page = client.get(overdue_action.get_absolute_url()).content.decode()

    assert "/updates/" not in page
    assert (
        client.post(overdue_action.get_absolute_url(), {"commentary": "Rewritten"}).status_code
        == 405
    )
    assert overdue_action.updates.get().commentary == "Kept."


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_action_page_costs_the_same_queries_at_5_and_500_actions(
    as_chair, plan, overdue_action, officer_lead, officer
):
    bulk_actions(plan=plan, lead=officer_lead, count=4)
    _update(overdue_action, officer, 1, progress_rag=Rag.AMBER, commentary="One.")
    as_chair.get("/")  # the session's idle clock, written on the first request only
    few = _queries(as_chair, overdue_action.get_absolute_url())

    bulk_actions(plan=plan, lead=officer_lead, count=495, start=4)
    for version in range(2, 12):
        _update(overdue_action, officer, version, commentary=f"Update {version}.")
    many = _queries(as_chair, overdue_action.get_absolute_url())

    assert few == many


@pytest.fixture
def recommendation(plan):
    rec = RecommendationFactory(
        reference="SB4", text="Ensure privately fostered children are seen."
    )
    plan.inspections.add(rec.inspection)
    return rec


def test_a_recommendation_lists_every_action_answering_it_with_status(
    as_chair, plan, recommendation
):
    done = ActionFactory(plan=plan, reference="4.3", status=Status.COMPLETE)
    doing = ActionFactory(plan=plan, reference="4.1", status=Status.IN_PROGRESS)
    for action in (done, doing):
        action.recommendations.add(recommendation)

    page = as_chair.get(f"/plans/{plan.slug}/recommendations/sb4/").content.decode()

    assert "Ensure privately fostered children are seen." in page
    assert recommendation.inspection.title in page
    assert ">4.3</a>" in page
    assert ">4.1</a>" in page
    assert "Complete" in page
    assert "In progress" in page
    assert NO_ACTIONS_FOR_RECOMMENDATION not in page


def test_a_recommendation_with_no_open_or_completed_action_says_so(as_chair, plan, recommendation):
    ActionFactory(plan=plan, reference="4.2", status=Status.CLOSED).recommendations.add(
        recommendation
    )

    page = as_chair.get(f"/plans/{plan.slug}/recommendations/SB4/").content.decode()

    assert NO_ACTIONS_FOR_RECOMMENDATION in page


def test_a_recommendation_of_another_inspection_is_not_found(as_chair, plan):
    RecommendationFactory(reference="99")

    assert as_chair.get(f"/plans/{plan.slug}/recommendations/99/").status_code == 404
