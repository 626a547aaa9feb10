"""An improvement lead invites a person to the plan by e-mail; the link works once, until it
expires or is revoked, and lets them set a password (or sign in with their council's account) or
accept with the account they already have. The e-mail goes through a real SMTP server."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from improvement import invitation_services, invitation_views, people_forms
from improvement.models import Invitation, PeopleChange, PlanRole, token_digest
from tests import factories

PASSWORD = "a long and unguessable phrase"
LINK = re.compile(r"https://tracker\.council\.example(/invitations/[-\w]+/)")


@pytest.fixture
def lead_client(client, improvement_lead):
    client.force_login(improvement_lead)
    return client


def invite(lead_client, plan, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return lead_client.post(
            reverse("improvement:people_invite", kwargs={"slug": plan.slug}),
            {"email": "pat.partner@police.example", "role": "board_member", "lead": "", **data},
        )


def link_in(arrived) -> str:
    [path] = set(LINK.findall(arrived.text))
    assert LINK.search(arrived.html).group(1) == path
    return path


@pytest.fixture
def invited(lead_client, plan, mailbox, django_capture_on_commit_callbacks):
    """A board member invited from the site; the e-mail arrived; its link."""
    invite(lead_client, plan, django_capture_on_commit_callbacks)
    [arrived] = mailbox.to("pat.partner@police.example")
    return link_in(arrived)


def test_the_invited_person_sets_a_password_signs_in_and_reads_the_plan(
    lead_client, plan, mailbox, django_capture_on_commit_callbacks
):
    response = invite(
        lead_client, plan, django_capture_on_commit_callbacks, email="Pat.Partner@Police.example"
    )
    assert response.status_code == 302
    [arrived] = mailbox.arrived
    assert arrived.recipients == ["pat.partner@police.example"]
    assert arrived.subject == "You are invited to Anytown improvement plan"
    assert "as Board member" in arrived.text
    path = link_in(arrived)
    invitation = Invitation.objects.get()
    # The database keeps only the token's digest; the token is in the e-mail alone.
    token = path.split("/")[2]
    assert invitation.token_hash == token_digest(token)
    assert token not in str(Invitation.objects.values().get())

    guest = Client()
    page = guest.get(path).content.decode()
    assert "Choose a password" in page
    response = guest.post(path, {"password1": PASSWORD, "password2": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("login"), 302)]
    assert invitation_views.ACCOUNT_READY in response.content.decode()
    assert "_auth_user_id" not in guest.session  # signing in is the sign-in page's to do
    user = get_user_model().objects.get(username="pat.partner@police.example")
    assert user.email == "pat.partner@police.example"
    assert PlanRole.objects.filter(plan=plan, user=user, role="board_member").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None

    signed_in = guest.post(
        reverse("login"), {"username": "pat.partner@police.example", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert guest.get(plan.get_absolute_url()).status_code == 200


def test_the_link_works_once(invited, plan):
    guest = Client()
    guest.post(invited, {"password1": PASSWORD, "password2": PASSWORD})

    again = Client().post(invited, {"password1": PASSWORD, "password2": PASSWORD + "!"})

    assert again.status_code == 410
    assert invitation_services.UNUSABLE[Invitation.State.ACCEPTED] in again.content.decode()
    assert get_user_model().objects.filter(username__startswith="pat.partner").count() == 1


def test_an_officer_is_linked_to_their_lead(
    lead_client, plan, officer_lead, mailbox, django_capture_on_commit_callbacks
):
    factories.ActionFactory(plan=plan, lead=officer_lead)
    invite(
        lead_client,
        plan,
        django_capture_on_commit_callbacks,
        email="new.officer@council.example",
        role="officer",
        lead=officer_lead.pk,
    )
    [arrived] = mailbox.to("new.officer@council.example")
    assert "as Officer for Head of Safeguarding" in arrived.text

    Client().post(link_in(arrived), {"password1": PASSWORD, "password2": PASSWORD})

    user = get_user_model().objects.get(username="new.officer@council.example")
    assert list(user.leads.all()) == [officer_lead]
    assert not user.plan_roles.exists()


def test_a_weak_password_is_refused_by_the_sites_validators(invited):
    response = Client().post(invited, {"password1": "password", "password2": "password"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "This password is too common." in page
    assert not get_user_model().objects.filter(username="pat.partner@police.example").exists()
    assert Invitation.objects.get().accepted_at is None


def test_different_passwords_are_refused(invited):
    response = Client().post(invited, {"password1": PASSWORD, "password2": PASSWORD + "x"})

    assert people_forms.PASSWORDS_DIFFER in response.content.decode()
    assert not get_user_model().objects.filter(username="pat.partner@police.example").exists()


def test_an_expired_invitation_is_refused(invited):
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    response = Client().post(invited, {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 410
    assert invitation_services.UNUSABLE[Invitation.State.EXPIRED] in response.content.decode()
    assert not get_user_model().objects.filter(username="pat.partner@police.example").exists()


def test_an_invitation_expires_after_the_configured_days(invited, settings):
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(
        days=settings.INVITATION_DAYS
    )


def test_a_revoked_invitation_is_refused(invited, lead_client, plan):
    invitation = Invitation.objects.get()
    response = lead_client.post(
        reverse("improvement:invitation_revoke", kwargs={"slug": plan.slug, "pk": invitation.pk}),
        follow=True,
    )
    assert "its link no longer works" in response.content.decode()

    refused = Client().post(invited, {"password1": PASSWORD, "password2": PASSWORD})

    assert refused.status_code == 410
    assert invitation_services.UNUSABLE[Invitation.State.REVOKED] in refused.content.decode()
    assert not get_user_model().objects.filter(username="pat.partner@police.example").exists()
    assert PeopleChange.objects.filter(text__contains="revoked").count() == 1


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43, "a" * 100])
def test_an_unknown_link_is_a_404_naming_no_invitation(invited, token):
    response = Client().get(f"/invitations/{token}/")

    assert response.status_code == 404
    page = response.content.decode()
    assert invitation_services.UNKNOWN in page
    assert "Anytown" not in page


def test_inviting_the_same_address_again_replaces_the_earlier_link(
    invited, lead_client, plan, mailbox, django_capture_on_commit_callbacks
):
    invite(lead_client, plan, django_capture_on_commit_callbacks)
    newest = link_in(mailbox.to("pat.partner@police.example")[-1])

    assert Client().get(invited).status_code == 410
    assert Client().get(newest).status_code == 200
    first, second = Invitation.objects.order_by("pk")
    assert first.revoked_by is not None
    assert second.revoked_at is None


def test_an_existing_user_signs_in_and_accepts(invited, plan):
    user = factories.UserFactory(username="pat", email="PAT.partner@police.example")
    guest = Client()

    page = guest.get(invited).content.decode()
    assert "You already have an account" in page
    assert f'href="/accounts/login/?next=%2Finvitations%2F{invited.split("/")[2]}%2F"' in page
    assert "Choose a password" not in page

    guest.force_login(user)
    assert "Accept invitation" in guest.get(invited).content.decode()
    response = guest.post(invited, follow=True)

    assert "You are now a board member of Anytown improvement plan." in response.content.decode()
    assert PlanRole.objects.filter(plan=plan, user=user, role="board_member").exists()
    assert Invitation.objects.get().accepted_by == user
    assert Client().get(invited).status_code == 410


def test_an_existing_user_cannot_make_a_second_account_with_a_password(invited):
    factories.UserFactory(username="pat", email="pat.partner@police.example")

    Client().post(invited, {"password1": PASSWORD, "password2": PASSWORD})

    assert get_user_model().objects.filter(email__iexact="pat.partner@police.example").count() == 1
    assert Invitation.objects.get().accepted_at is None


def test_someone_else_signed_in_is_refused(invited, plan, other_officer):
    guest = Client()
    guest.force_login(other_officer)

    shown = guest.get(invited)
    accepted = guest.post(invited)

    assert shown.status_code == accepted.status_code == 403
    assert invitation_services.NOT_FOR_YOU in accepted.content.decode()
    assert not PlanRole.objects.filter(user=other_officer).exists()
    assert Invitation.objects.get().accepted_at is None


def test_accepting_as_the_wrong_user_is_refused_by_the_service(invited, other_officer):
    with pytest.raises(ValidationError) as refused:
        invitation_services.accept_as(token=invited.split("/")[2], user=other_officer)

    assert refused.value.messages == [invitation_services.NOT_FOR_YOU]


@pytest.fixture
def council_provider(plan):
    return factories.IdentityProviderFactory(
        authority=plan.authority,
        name="Anytown Council account",
        issuer="https://login.example/anytown/v2.0",
        client_id="tracker",
        email_domains="police.example",
    )


@pytest.fixture
def sso_served():
    return reverse("sso:start")


def test_an_address_of_a_council_with_its_own_sign_in_is_offered_it(
    invited, council_provider, sso_served
):
    page = Client().get(invited).content.decode()

    assert "Sign in with Anytown Council account" in page
    assert f'action="{sso_served}"' in page
    assert 'name="email" value="pat.partner@police.example"' in page
    assert f'name="next" value="{invited}"' in page
    assert "Choose a password" not in page
    refused = Client().post(invited, {"password1": PASSWORD, "password2": PASSWORD})
    assert not get_user_model().objects.filter(username="pat.partner@police.example").exists()
    assert invitation_views.USE_COUNCIL_SIGN_IN in refused.content.decode()


def test_a_partner_of_another_domain_sets_a_password_beside_a_councils_sign_in(
    lead_client, plan, council_provider, mailbox, django_capture_on_commit_callbacks, sso_served
):
    invite(lead_client, plan, django_capture_on_commit_callbacks, email="dr.h@nhs.example")

    page = Client().get(link_in(mailbox.to("dr.h@nhs.example")[0])).content.decode()

    assert "Choose a password" in page
    assert "Sign in with" not in page
