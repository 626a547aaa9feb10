"""The people of a plan, for its improvement leads: who holds which role and lead and when they
last signed in; roles given and removed, leads linked and unlinked, each in the audit trail."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from improvement import invitation_services, people_forms, people_services
from improvement.models import Invitation, PeopleChange, PlanRole
from tests import factories


@pytest.fixture
def lead_client(client, improvement_lead):
    client.force_login(improvement_lead)
    return client


@pytest.fixture
def people_url(plan):
    return reverse("improvement:people", kwargs={"slug": plan.slug})


@pytest.fixture
def leading_officer(plan, officer, officer_lead):
    """The officer, one of the plan's people because their lead leads one of its actions."""
    factories.ActionFactory(plan=plan, reference="A1", lead=officer_lead)
    return officer


def row_of(page: str, name: str) -> str:
    """The people table's row whose first cell starts with this name."""
    table = page.split('<table class="govuk-table" id="people">')[1].split("</table>")[0]
    cell = '<td class="govuk-table__cell">'
    [row] = [row for row in table.split("<tr")[2:] if row.strip().split(cell)[1].startswith(name)]
    return row


def person_url(plan, user, page="person"):
    return reverse(f"improvement:{page}", kwargs={"slug": plan.slug, "pk": user.pk})


def test_the_page_lists_each_persons_roles_leads_and_last_sign_in(
    lead_client, people_url, leading_officer, chair, improvement_lead
):
    improvement_lead.last_login = timezone.make_aware(datetime.datetime(2017, 2, 14, 9, 30))
    improvement_lead.save()
    chair.is_active = False
    chair.save()

    page = lead_client.get(people_url).content.decode()

    officer_row = row_of(page, "Olive Officer")
    assert "Head of Safeguarding" in officer_row
    assert "never" in officer_row
    assert "Active" in officer_row
    lead_row = row_of(page, "improvement_lead")
    assert "Improvement lead" in lead_row
    assert "14 Feb 2017, 09:30" in lead_row
    chair_row = row_of(page, "chair")
    assert "Board chair" in chair_row
    assert "Deactivated" in chair_row


def test_people_of_other_plans_and_councils_are_not_listed(
    lead_client, people_url, leading_officer, other_officer, foreign_officer
):
    page = lead_client.get(people_url).content.decode()

    assert "Olive Officer" in page
    assert "other_officer" not in page
    assert "foreign_officer" not in page


def test_a_chair_may_not_manage_people_and_another_councils_lead_finds_nothing(
    client, people_url, chair, foreign_plan
):
    client.force_login(chair)
    assert client.get(people_url).status_code == 403

    foreign_lead = factories.UserFactory(username="foreign_lead")
    factories.PlanRoleFactory(plan=foreign_plan, user=foreign_lead, role="improvement_lead")
    client.force_login(foreign_lead)
    assert client.get(people_url).status_code == 404


def test_the_plan_page_links_its_improvement_leads_to_the_people_page(
    client, plan, people_url, improvement_lead, chair
):
    client.force_login(improvement_lead)
    assert people_url in client.get(plan.get_absolute_url()).content.decode()
    client.force_login(chair)
    assert people_url not in client.get(plan.get_absolute_url()).content.decode()


def invite_url(plan):
    return reverse("improvement:people_invite", kwargs={"slug": plan.slug})


def test_the_invite_form_refuses_another_councils_lead(lead_client, plan, foreign_action):
    response = lead_client.post(
        invite_url(plan),
        {"email": "x@council.example", "role": "officer", "lead": foreign_action.lead.pk},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert escape(people_forms.NOT_A_LEAD_OF % {"authority": plan.authority}) in page
    assert not Invitation.objects.exists()


def test_the_invite_form_offers_only_the_plans_councils_leads(
    lead_client, plan, officer_lead, foreign_action
):
    page = lead_client.get(invite_url(plan)).content.decode()

    assert f'<option value="{officer_lead.pk}">Head of Safeguarding' in page
    assert f'value="{foreign_action.lead.pk}"' not in page


def test_an_officer_invitation_needs_a_lead_and_a_board_one_has_none(
    lead_client, plan, officer_lead
):
    no_lead = lead_client.post(
        invite_url(plan), {"email": "x@council.example", "role": "officer", "lead": ""}
    )
    with_lead = lead_client.post(
        invite_url(plan),
        {"email": "x@council.example", "role": "board_member", "lead": officer_lead.pk},
    )

    assert people_forms.LEAD_NEEDED in no_lead.content.decode()
    assert people_forms.NO_LEAD_FOR_ROLE in with_lead.content.decode()
    assert not Invitation.objects.exists()


def test_a_role_given_is_shown_with_its_history_and_in_the_trail(
    lead_client, plan, people_url, leading_officer, improvement_lead
):
    response = lead_client.post(
        person_url(plan, leading_officer, "roles"),
        {"role": "board_member", "change": "add"},
        follow=True,
    )

    assert "Olive Officer is now a board member of this plan." in response.content.decode()
    granted = PlanRole.objects.get(plan=plan, user=leading_officer)
    assert granted.role == "board_member"
    assert granted.history.get().history_user == improvement_lead
    page = lead_client.get(people_url).content.decode()
    trail = page.split("Recent changes to the plan")[1]
    assert "Olive Officer" in trail
    assert "Given the role board member" in trail


def test_a_role_removed_is_in_the_trail(lead_client, plan, chair, improvement_lead):
    response = lead_client.post(
        person_url(plan, chair, "roles"), {"role": "board_chair", "change": "remove"}, follow=True
    )

    assert "chair is no longer a board chair of this plan." in response.content.decode()
    assert not PlanRole.objects.filter(user=chair).exists()
    deleted = PlanRole.history.filter(user_id=chair.pk, history_type="-").get()
    assert deleted.history_user == improvement_lead
    assert PeopleChange.objects.get(person=chair).text == "No longer board chair"


def test_the_last_improvement_lead_cannot_remove_their_own_role(
    lead_client, plan, improvement_lead
):
    response = lead_client.post(
        person_url(plan, improvement_lead, "roles"),
        {"role": "improvement_lead", "change": "remove"},
        follow=True,
    )

    expected = people_services.LAST_IMPROVEMENT_LEAD % {"person": "improvement_lead"}
    assert escape(expected) in response.content.decode()
    assert PlanRole.objects.filter(user=improvement_lead, role="improvement_lead").exists()
    assert not PeopleChange.objects.exists()


def test_with_a_second_improvement_lead_one_may_step_down(lead_client, plan, improvement_lead):
    factories.PlanRoleFactory(
        plan=plan, user=factories.UserFactory(username="second"), role="improvement_lead"
    )

    lead_client.post(
        person_url(plan, improvement_lead, "roles"),
        {"role": "improvement_lead", "change": "remove"},
    )

    assert not PlanRole.objects.filter(user=improvement_lead).exists()


def test_a_lead_link_made_and_removed_is_in_the_trail(
    lead_client, plan, people_url, leading_officer, officer_lead
):
    fostering = factories.LeadFactory(name="Head of Fostering")

    linked = lead_client.post(
        person_url(plan, leading_officer, "leads"),
        {"lead": fostering.pk, "change": "link"},
        follow=True,
    )
    unlinked = lead_client.post(
        person_url(plan, leading_officer, "leads"),
        {"lead": officer_lead.pk, "change": "unlink"},
        follow=True,
    )

    assert "Olive Officer is now linked to Head of Fostering." in linked.content.decode()
    assert "Olive Officer is no longer linked to Head of Safeguarding." in (
        unlinked.content.decode()
    )
    assert list(leading_officer.leads.all()) == [fostering]
    trail = lead_client.get(people_url).content.decode().split("Recent changes")[1]
    assert "Linked to the lead Head of Fostering" in trail
    assert list(PeopleChange.objects.order_by("pk").values_list("text", flat=True)) == [
        "Linked to the lead Head of Fostering",
        "No longer linked to the lead Head of Safeguarding",
    ]


def test_another_councils_lead_cannot_be_linked(lead_client, plan, leading_officer, foreign_action):
    response = lead_client.post(
        person_url(plan, leading_officer, "leads"),
        {"lead": foreign_action.lead.pk, "change": "link"},
        follow=True,
    )

    assert escape(people_forms.NOT_A_LEAD_OF % {"authority": plan.authority}) in (
        response.content.decode()
    )
    assert not foreign_action.lead.users.filter(pk=leading_officer.pk).exists()
    assert not PeopleChange.objects.exists()


def test_someone_not_of_the_plan_has_no_page_and_gets_no_role(lead_client, plan, other_officer):
    assert lead_client.get(person_url(plan, other_officer)).status_code == 404
    response = lead_client.post(
        person_url(plan, other_officer, "roles"), {"role": "board_member", "change": "add"}
    )

    assert response.status_code == 404
    assert not PlanRole.objects.filter(user=other_officer).exists()


def test_open_and_accepted_invitations_are_listed(lead_client, people_url, plan, improvement_lead):
    now = timezone.now()
    common = {
        "plan": plan,
        "invited_by": improvement_lead,
        "created_at": now,
        "expires_at": now + datetime.timedelta(days=1),
    }
    Invitation.objects.create(**common, email="open@x.example", role="board_member")
    Invitation.objects.create(
        **common,
        email="done@x.example",
        role="board_chair",
        accepted_at=now,
        accepted_by=improvement_lead,
    )

    page = lead_client.get(people_url).content.decode()

    waiting = page.split("Invitations not yet accepted")[1].split("Invitations accepted")[0]
    assert "open@x.example" in waiting
    assert "Revoke" in waiting
    assert "done@x.example" in page.split("Invitations accepted")[1]


def _people(plan, count, start):
    lead = factories.LeadFactory(name=f"Lead {start}")
    factories.ActionFactory(plan=plan, reference=f"Q{start}", lead=lead)
    for n in range(start, start + count):
        user = factories.UserFactory(username=f"person{n}")
        lead.users.add(user)
        factories.PlanRoleFactory(plan=plan, user=user, role="board_member")
        Invitation.objects.create(
            plan=plan,
            email=f"invited{n}@x.example",
            role="board_member",
            invited_by=user,
            created_at=timezone.now(),
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        people_services.record_change(plan=plan, by=user, person=user, text="Test change")


def test_the_people_page_costs_the_same_queries_whatever_its_size(
    lead_client, people_url, plan, django_assert_num_queries
):
    _people(plan, 2, 0)
    lead_client.get(people_url)  # the session's idle clock, written on the first request only
    with CaptureQueriesContext(connection) as small:
        assert lead_client.get(people_url).status_code == 200
    _people(plan, 12, 100)

    with django_assert_num_queries(len(small)):
        page = lead_client.get(people_url).content.decode()
    assert "person111" in page


def test_inviting_someone_to_a_role_they_hold_is_refused(lead_client, plan, chair):
    response = lead_client.post(
        invite_url(plan), {"email": chair.email.upper(), "role": "board_chair", "lead": ""}
    )

    expected = invitation_services.ALREADY_HOLDS % {"email": chair.email, "role": "Board chair"}
    assert escape(expected) in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_invitation_sent_and_revoked_is_in_the_trail(
    lead_client, plan, people_url, improvement_lead, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(
            invite_url(plan), {"email": "new@police.example", "role": "board_member", "lead": ""}
        )
    invitation = Invitation.objects.get()
    lead_client.post(
        reverse("improvement:invitation_revoke", kwargs={"slug": plan.slug, "pk": invitation.pk})
    )

    trail = lead_client.get(people_url).content.decode().split("Recent changes")[1]
    assert "Invited new@police.example as Board member" in trail
    assert "Invitation as Board member revoked" in trail
    # Made, sent by the worker, revoked: the last by the lead.
    assert invitation.history.count() == 3
    assert invitation.history.first().revoked_at is not None
    assert invitation.history.first().history_user == improvement_lead
