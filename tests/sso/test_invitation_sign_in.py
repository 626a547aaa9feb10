"""A council's own officer, invited to its plan's board, accepts with their council account: the
invitation's page sends them to their council's provider, and back on the page they accept."""

import re

from django.test import Client
from django.urls import reverse

from improvement import permissions
from improvement.models import PlanRole
from tests.improvement.test_invitations import link_in
from tests.sso.fixtures import connect
from tests.sso.provider import follow_to_provider_and_back

ADDRESS = "jo.bloggs@anytown.gov.uk"


def test_an_invited_council_officer_signs_in_with_their_council_account_and_accepts(
    client, plan, improvement_lead, anytown_idp, mailbox, django_capture_on_commit_callbacks
):
    connect(anytown_idp, authority=plan.authority, domains="anytown.gov.uk")
    client.force_login(improvement_lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("improvement:people_invite", kwargs={"slug": plan.slug}),
            {"email": ADDRESS, "role": "board_member", "lead": ""},
        )
    link = link_in(mailbox.to(ADDRESS)[0])
    browser = Client()

    page = browser.get(link).content.decode()
    form = re.search(r'<form[^>]+action="([^"]+)"', page.split("Sign in with")[0]).group(1)
    assert form == reverse("sso:start")
    anytown_idp.sign_in_as(sub="jo-1", email=ADDRESS)
    started = browser.post(form, {"email": ADDRESS, "next": link})
    back = follow_to_provider_and_back(browser, started)

    assert back["Location"] == link
    assert "Accept invitation" in browser.get(link).content.decode()
    accepted = browser.post(link)
    assert accepted.status_code == 302
    person = PlanRole.objects.get(plan=plan, role="board_member").user
    assert person.username == ADDRESS
    assert permissions.can_read_packs(person, plan)
    assert browser.get(link).status_code == 410
