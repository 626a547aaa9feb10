"""Where each kind of user lands after signing in: their plan's dashboard, the list of their
plans, or My actions."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from improvement.models import PlanRole
from tests import factories
from tests.two_factor import app_code, give_app

PASSWORD = "correct horse battery staple"


def _sign_in(client, username: str, *, next_url: str = "/"):
    """As a browser opening the site at its address: sent to sign in with ?next=/; the code
    from their app too when the sign-in asks for it (improvement leads)."""
    response = client.post(
        f"/accounts/login/?next={next_url}",
        {"username": username, "password": PASSWORD, "next": next_url},
        follow=True,
    )
    if response.redirect_chain[-1][0] != "/accounts/login/code/":
        return response
    device = TOTPDevice.objects.get(user__username=username)
    return client.post("/accounts/login/code/", {"code": app_code(device)}, follow=True)


@pytest.mark.parametrize("persona", ["chair", "improvement_lead"])
def test_a_chair_or_improvement_lead_of_one_plan_lands_on_its_dashboard(
    client, request, plan, persona
):
    user = request.getfixturevalue(persona)
    give_app(user)  # improvement leads sign in with two factors; a chair may choose to

    response = _sign_in(client, persona)

    assert response.redirect_chain[-1] == (f"/plans/{plan.slug}/dashboard/", 302)
    assert f"Dashboard: {plan.title}" in response.content.decode()


def test_a_board_member_of_two_plans_lands_on_the_list_of_plans(client, plan):
    member = factories.UserFactory(username="member")
    second = factories.PlanFactory(slug="anytown-2018", title="Anytown plan 2018")
    for each in (plan, second):
        factories.PlanRoleFactory(plan=each, user=member, role=PlanRole.Role.BOARD_MEMBER)

    response = _sign_in(client, "member")

    assert response.redirect_chain[-1] == ("/plans/", 302)
    assert [p.title for p in response.context["plans"]] == [plan.title, second.title]


def test_an_officer_lands_on_my_actions_with_a_link_to_the_dashboard(client, officer, plan):
    factories.ActionFactory(plan=plan, lead=officer.leads.get())

    response = _sign_in(client, "officer")

    assert response.redirect_chain[-1] == ("/", 302)
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">My actions</h1>' in page
    assert f'href="/plans/{plan.slug}/dashboard/"' in page


def test_a_page_asked_for_before_signing_in_still_comes_first(client, chair, plan):
    response = _sign_in(client, "chair", next_url=f"/plans/{plan.slug}/")

    assert response.redirect_chain == [(f"/plans/{plan.slug}/", 302)]


def test_the_service_name_leads_a_signed_in_chair_to_their_dashboard(client, chair, plan):
    client.force_login(chair)

    page = client.get("/plans/").content.decode()

    assert '<a href="/start/" class="govuk-header__homepage-link">' in page
    assert client.get("/start/")["Location"] == f"/plans/{plan.slug}/dashboard/"
