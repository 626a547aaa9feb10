"""Two tabs accepting one invitation at once: the second waits for the first's lock, then finds
the invitation used. PostgreSQL only: SQLite runs one writer at a time whatever the code does."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from improvement import invitation_services
from improvement.models import Invitation, PeopleChange, PlanRole, token_digest
from tests import factories

TOKEN = "two-tabs-token"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL to be tested"
    ),
]


def test_two_tabs_cannot_both_accept(plan, improvement_lead):
    person = factories.UserFactory(username="pat", email="pat@police.example")
    Invitation.objects.create(
        plan=plan,
        email="pat@police.example",
        role="board_member",
        invited_by=improvement_lead,
        created_at=timezone.now(),
        expires_at=timezone.now() + timezone.timedelta(days=1),
        token_hash=token_digest(TOKEN),
    )
    first_holds_lock = threading.Event()
    outcomes = {}

    def first_tab():
        try:
            with transaction.atomic():
                invitation_services.accept_as(token=TOKEN, user=person)
                first_holds_lock.set()
                time.sleep(0.5)  # the second tab asks meanwhile, and must wait
            outcomes["first"] = "accepted"
        finally:
            connections.close_all()

    def second_tab():
        first_holds_lock.wait(5)
        try:
            invitation_services.accept_as(token=TOKEN, user=person)
            outcomes["second"] = "accepted"
        except invitation_services.InvitationUnusable as refused:
            outcomes["second"] = refused.state
        finally:
            connections.close_all()

    tabs = [threading.Thread(target=first_tab), threading.Thread(target=second_tab)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join(10)

    assert outcomes == {"first": "accepted", "second": Invitation.State.ACCEPTED}
    assert PlanRole.objects.filter(user=person, role="board_member").count() == 1
    assert PeopleChange.objects.filter(person=person).count() == 1
