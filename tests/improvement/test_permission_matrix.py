"""Who may view, update and sign off an action, proven through the pages: a refusal is a 403 to
someone who may read the plan, a 404 (as for a missing plan) to someone who may not, or the
sign-in page for the anonymous, and leaves the action exactly as it was."""

import pytest
from django.contrib.auth.models import AnonymousUser

from improvement.models import Action, ProgressUpdate, Rag, Status
from improvement.permissions import (
    can_issue_pack,
    can_read_packs,
    can_sign_off,
    can_update_action,
    can_view_plan,
)

ALLOWED, FORBIDDEN, NOT_FOUND, SIGN_IN = 200, 403, 404, "sign in"

# (persona, view, update, sign off): what each gets from the action page, the update form and
# the sign-off form of an action the officer leads.
MATRIX = [
    ("officer", ALLOWED, ALLOWED, FORBIDDEN),
    ("other_officer", NOT_FOUND, NOT_FOUND, NOT_FOUND),
    # Leads a post of the same name in another council's plan.
    ("foreign_officer", NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("chair", ALLOWED, FORBIDDEN, FORBIDDEN),
    ("improvement_lead", ALLOWED, ALLOWED, ALLOWED),
    ("admin_user", ALLOWED, ALLOWED, ALLOWED),
    ("anonymous", SIGN_IN, SIGN_IN, SIGN_IN),
]


@pytest.fixture
def awaiting(overdue_action):
    Action.objects.filter(pk=overdue_action.pk).update(
        status=Status.AWAITING_SIGN_OFF, impact_evidence="Audit found every plan reviewed."
    )
    overdue_action.refresh_from_db()
    return overdue_action


def _sign_in(client, request, persona):
    if persona == "anonymous":
        return AnonymousUser()
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


def _state(action):
    action.refresh_from_db()
    return (action.progress_rag, action.status, action.version, ProgressUpdate.objects.count())


def _assert_outcome(response, expected):
    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif expected == ALLOWED:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("persona", "view", "update", "sign_off"), MATRIX)
def test_viewing_an_action(client, request, overdue_action, persona, view, update, sign_off):
    _sign_in(client, request, persona)

    response = client.get(overdue_action.get_absolute_url())

    _assert_outcome(response, view)
    if view == ALLOWED:
        assert overdue_action.text in response.content.decode()


@pytest.mark.parametrize(("persona", "view", "update", "sign_off"), MATRIX)
def test_updating_an_action(client, request, overdue_action, persona, view, update, sign_off):
    _sign_in(client, request, persona)
    url = f"{overdue_action.get_absolute_url()}update/"
    before = _state(overdue_action)

    form = client.get(url)
    response = client.post(
        url,
        {"version": 1, "progress_rag": Rag.AMBER, "status": Status.IN_PROGRESS, "commentary": "x"},
    )

    _assert_outcome(form, update)
    _assert_outcome(response, update)
    if update == ALLOWED:
        assert response.status_code == 302
        assert _state(overdue_action)[0] == Rag.AMBER
        assert ProgressUpdate.objects.get().by.username == persona.replace("_user", "")
    else:
        assert _state(overdue_action) == before


@pytest.mark.parametrize(("persona", "view", "update", "sign_off"), MATRIX)
def test_signing_off_an_action(client, request, awaiting, persona, view, update, sign_off):
    _sign_in(client, request, persona)
    url = f"{awaiting.get_absolute_url()}sign-off/"
    before = _state(awaiting)

    form = client.get(url)
    response = client.post(url, {"version": 1, "decision": "sign_off", "comment": ""})

    _assert_outcome(form, sign_off)
    _assert_outcome(response, sign_off)
    if sign_off == ALLOWED:
        assert response.status_code == 302
        assert _state(awaiting)[:2] == (Rag.BLUE, Status.COMPLETE)
    else:
        assert _state(awaiting) == before


def test_permission_rules_agree_with_the_matrix(
    overdue_action, plan, officer, other_officer, chair, improvement_lead, admin_user
):
    rows = {
        user.username: (
            can_view_plan(user, plan),
            can_update_action(user, overdue_action),
            can_sign_off(user, overdue_action),
            can_issue_pack(user, plan),
            can_read_packs(user, plan),
        )
        for user in (officer, other_officer, chair, improvement_lead, admin_user, AnonymousUser())
    }

    assert rows == {
        "officer": (True, True, False, False, False),
        "other_officer": (False, False, False, False, False),
        "chair": (True, False, False, False, True),
        "improvement_lead": (True, True, True, True, True),
        "admin": (True, True, True, True, True),
        "": (False, False, False, False, False),
    }


def test_a_delegate_may_update_an_action_they_do_not_lead(client, overdue_action, other_officer):
    overdue_action.delegates.add(other_officer)
    client.force_login(other_officer)

    response = client.post(
        f"{overdue_action.get_absolute_url()}update/",
        {"version": 1, "progress_rag": Rag.AMBER, "status": Status.IN_PROGRESS, "commentary": "x"},
    )

    assert response.status_code == 302
    overdue_action.refresh_from_db()
    assert overdue_action.progress_rag == Rag.AMBER


def test_an_improvement_lead_of_another_plan_cannot_update(client, overdue_action):
    from improvement.models import PlanRole
    from tests.factories import PlanFactory, PlanRoleFactory, UserFactory

    elsewhere = UserFactory(username="lead_elsewhere")
    PlanRoleFactory(
        plan=PlanFactory(slug="elsewhere"), user=elsewhere, role=PlanRole.Role.IMPROVEMENT_LEAD
    )
    client.force_login(elsewhere)

    response = client.post(
        f"{overdue_action.get_absolute_url()}update/",
        {"version": 1, "progress_rag": Rag.AMBER, "status": Status.IN_PROGRESS, "commentary": "x"},
    )

    assert response.status_code == 404
    overdue_action.refresh_from_db()
    assert (overdue_action.progress_rag, overdue_action.version) == (Rag.GREEN, 1)
