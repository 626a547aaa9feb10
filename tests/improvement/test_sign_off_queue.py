"""The improvement lead's sign-off queue: what waits for a decision, the longest waiting first,
with what the officer sent; and the officer told why an action came back."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from improvement.models import Action, PlanRole, ProgressUpdate, Status
from improvement.permissions import can_sign_off_in
from improvement.services import attach_evidence, request_sign_off, send_back, update_action
from improvement.views import SIGNED_OFF
from tests import factories
from tests.improvement.conftest import bulk_actions
from tests.sample_files import docx, upload


def _at(day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2017, 2, day, 10, 0))


def _ask(action, officer, *, day, evidence="Re-audit: 94% of plans outcome-focused."):
    action.refresh_from_db()
    request_sign_off(
        action=action,
        by=officer,
        expected_version=action.version,
        impact_evidence=evidence,
        commentary=f"Done: asked on {day} February.",
        at=_at(day),
    )


def _queue_url(plan):
    return reverse("improvement:sign_off_queue", kwargs={"slug": plan.slug})


def _decision_url(action):
    return reverse(
        "improvement:action_sign_off",
        kwargs={"slug": action.plan.slug, "reference": action.reference},
    )


@pytest.fixture
def as_lead(improvement_lead):
    client = Client()
    client.force_login(improvement_lead)
    return client


@pytest.fixture
def three_waiting(plan, officer_lead, officer):
    """Asked on the 10th, the 3rd and the 7th; a fourth action is still in progress."""
    late, early, middle, open_one = (
        factories.ActionFactory(plan=plan, reference=ref, lead=officer_lead, text=text)
        for ref, text in (
            ("JAN17-1", "Audit supervision"),
            ("JAN17-2", "Train every social worker"),
            ("JAN17-3", "Publish the threshold guidance"),
            ("JAN17-4", "Still being worked on"),
        )
    )
    _ask(late, officer, day=10)
    _ask(early, officer, day=3)
    _ask(middle, officer, day=7)
    return {"late": late, "early": early, "middle": middle, "open": open_one}


def test_the_queue_lists_actions_awaiting_sign_off_the_longest_waiting_first(
    as_lead, plan, three_waiting
):
    response = as_lead.get(_queue_url(plan))

    assert [a.reference for a in response.context["actions"]] == ["JAN17-2", "JAN17-3", "JAN17-1"]
    page = response.content.decode()
    assert "Still being worked on" not in page
    assert page.index("Train every social worker") < page.index("Audit supervision")


def test_each_queued_action_shows_what_the_officer_sent_and_links_to_the_decision(
    as_lead, plan, officer, three_waiting
):
    early = three_waiting["early"]
    early.refresh_from_db()
    evidence = attach_evidence(
        action=early,
        by=officer,
        expected_version=early.version,
        file=upload("supervision-audit.docx", docx()),
        description="Supervision audit",
    )

    page = as_lead.get(_queue_url(plan)).content.decode()

    assert "Done: asked on 3 February." in page
    assert "Re-audit: 94% of plans outcome-focused." in page
    assert "03/02/2017" in page
    assert "Olive Officer" in page
    assert evidence.get_download_url() in page
    assert "Supervision audit" in page
    assert f"{_decision_url(early)}?from=queue" in page


def test_the_decision_page_shows_the_commentary_impact_evidence_and_files(
    as_lead, officer, three_waiting
):
    early = three_waiting["early"]
    early.refresh_from_db()
    evidence = attach_evidence(
        action=early,
        by=officer,
        expected_version=early.version,
        file=upload("supervision-audit.docx", docx()),
    )

    page = as_lead.get(_decision_url(early)).content.decode()

    assert "Done: asked on 3 February." in page
    assert "Re-audit: 94% of plans outcome-focused." in page
    assert evidence.get_download_url() in page
    assert "supervision-audit.docx" in page
    assert as_lead.get(evidence.get_download_url()).status_code == 200


def test_a_decision_made_from_the_queue_goes_back_to_the_queue(as_lead, plan, three_waiting):
    early = three_waiting["early"]
    early.refresh_from_db()

    response = as_lead.post(
        f"{_decision_url(early)}?from=queue",
        {"version": early.version, "decision": "sign_off", "comment": ""},
    )

    assert response["Location"] == _queue_url(plan)
    queue = as_lead.get(response["Location"])
    assert SIGNED_OFF in queue.content.decode()
    assert [a.reference for a in queue.context["actions"]] == ["JAN17-3", "JAN17-1"]
    early.refresh_from_db()
    assert early.status == Status.COMPLETE


def test_an_action_imported_as_awaiting_sign_off_waits_first_with_its_commentary(
    as_lead, plan, officer_lead, three_waiting
):
    factories.ActionFactory(
        plan=plan,
        reference="SEP16-9",
        lead=officer_lead,
        status=Status.AWAITING_SIGN_OFF,
        commentary="Closed at the September board.",
    )

    response = as_lead.get(_queue_url(plan))

    assert response.context["actions"][0].reference == "SEP16-9"
    page = response.content.decode()
    assert "Closed at the September board." in page
    assert "Not recorded on the site" in page


def test_an_empty_queue_says_so(as_lead, plan):
    assert (
        "No action of this plan is awaiting sign-off."
        in as_lead.get(_queue_url(plan)).content.decode()
    )


# Sent back: the officer sees why -------------------------------------------------------------


@pytest.fixture
def sent_back(three_waiting, improvement_lead):
    action = three_waiting["early"]
    action.refresh_from_db()
    send_back(
        action=action,
        by=improvement_lead,
        expected_version=action.version,
        reason="Attach the re-audit sample, not only the summary.",
        at=_at(12),
    )
    return action


def test_the_officer_sees_why_an_action_was_sent_back_on_my_actions_and_the_action_page(
    client, officer, sent_back
):
    client.force_login(officer)
    reason = "Attach the re-audit sample, not only the summary."

    my_actions = client.get(reverse("improvement:my_actions")).content.decode()
    action_page = client.get(sent_back.get_absolute_url()).content.decode()

    assert "<strong>Sent back</strong> on <time datetime=" in my_actions
    assert reason in my_actions
    assert reason in action_page
    assert "12/02/2017" in action_page


def test_the_reason_goes_once_the_officer_asks_again(client, officer, sent_back):
    _ask(sent_back, officer, day=14, evidence="Sample of twenty audits attached.")
    client.force_login(officer)

    my_actions = client.get(reverse("improvement:my_actions")).content.decode()
    action_page = client.get(sent_back.get_absolute_url()).content.decode()

    assert "<strong>Sent back</strong>" not in my_actions
    assert "<strong>Sent back</strong>" not in action_page


def test_an_officer_taking_back_their_own_request_is_not_a_send_back(
    client, officer, three_waiting
):
    action = three_waiting["early"]
    action.refresh_from_db()

    update_action(
        action=action,
        by=officer,
        expected_version=action.version,
        status=Status.IN_PROGRESS,
        commentary="Not finished after all.",
        due_on=datetime.date(2017, 6, 30),
        due_reason="Audit team moved.",
    )
    client.force_login(officer)

    page = client.get(action.get_absolute_url()).content.decode()
    assert "<strong>Sent back</strong>" not in page
    assert not ProgressUpdate.objects.send_backs().exists()


# Who may use the queue ------------------------------------------------------------------------


@pytest.fixture
def lead_of_another_plan(db):
    other = factories.PlanFactory(slug="fostering", title="Fostering plan")
    user = factories.UserFactory(username="fostering_lead")
    factories.PlanRoleFactory(plan=other, user=user, role=PlanRole.Role.IMPROVEMENT_LEAD)
    return user


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("improvement_lead", True),
        ("admin_user", True),
        ("officer", False),
        ("chair", False),
        ("lead_of_another_plan", False),
    ],
)
def test_only_the_plans_improvement_leads_sign_off_in_it(request, plan, persona, allowed):
    assert can_sign_off_in(request.getfixturevalue(persona), plan) is allowed


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 403), ("chair", 403), ("lead_of_another_plan", 404)],
)
def test_others_are_refused_the_queue_and_its_decisions_change_nothing(
    client, request, three_waiting, persona, status
):
    # A lead of another plan who cannot read this one is told it is not there, as on every
    # plan page, so a refusal never says which plans exist.
    client.force_login(request.getfixturevalue(persona))
    early = three_waiting["early"]
    early.refresh_from_db()
    before = (early.version, ProgressUpdate.objects.count())

    queue = client.get(_queue_url(early.plan))
    decision = client.post(
        f"{_decision_url(early)}?from=queue",
        {"version": early.version, "decision": "sign_off", "comment": ""},
    )

    assert (queue.status_code, decision.status_code) == (status, status)
    early.refresh_from_db()
    assert (early.version, ProgressUpdate.objects.count()) == before
    assert early.status == Status.AWAITING_SIGN_OFF


def test_the_queue_asks_a_signed_out_visitor_to_sign_in(client, plan):
    response = client.get(_queue_url(plan))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_plan_page_links_to_the_queue_for_its_improvement_leads_only(
    as_lead, client, officer, plan, overdue_action
):
    client.force_login(officer)

    assert _queue_url(plan) in as_lead.get(plan.get_absolute_url()).content.decode()
    assert _queue_url(plan) not in client.get(plan.get_absolute_url()).content.decode()


# What the queue costs --------------------------------------------------------------------------


def _waiting(plan, lead, officer, *, count, start):
    for action in bulk_actions(plan=plan, lead=lead, count=count, start=start):
        action = Action.objects.get(pk=action.pk)
        if action.status == Status.COMPLETE:
            continue
        _ask(action, officer, day=1 + action.pk % 14)
        attach_evidence(
            action=action,
            by=officer,
            expected_version=action.version,
            link=f"https://intranet.example/{action.reference}",
        )


def _queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.context["actions"])


def test_the_queue_costs_the_same_queries_at_5_and_50_actions(as_lead, plan, officer_lead, officer):
    _waiting(plan, officer_lead, officer, count=7, start=0)
    as_lead.get("/")  # the session's idle clock, written on the first request only
    few, few_listed = _queries(as_lead, _queue_url(plan))

    _waiting(plan, officer_lead, officer, count=67, start=7)
    many, many_listed = _queries(as_lead, _queue_url(plan))

    assert (few_listed, many_listed) == (5, 50)
    assert few == many
    assert many <= 12
