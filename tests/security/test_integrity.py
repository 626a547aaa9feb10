"""The audit trail and issued board packs cannot be changed, by the application or by SQL.

Each refusal is tried twice where it can be: through the ORM, where the model and queryset
refuse first (on SQLite and PostgreSQL alike), and on PostgreSQL by raw SQL or the base manager,
which skip the ORM's refusal, to show the trigger refuses on its own.
"""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boards.models import PACK_IS_FINAL, Pack, PackIsFinal
from improvement.models import (
    PROGRESS_UPDATES_ARE_APPEND_ONLY,
    Action,
    AppendOnly,
    PlanRole,
    ProgressUpdate,
    Status,
)
from improvement.services import SENT_BACK, send_back
from tests import factories
from tests.adminforms import posted_form

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The triggers are PostgreSQL's; on SQLite the model and queryset refusals stand alone.",
)


@pytest.fixture
def issued(db):
    return factories.PackFactory(reason="", snapshot={"as_at": "2018-01-31"})


@pytest.fixture
def update(db):
    return factories.ProgressUpdateFactory(commentary="Six offers made.")


def _raw(sql: str, *params):
    # A savepoint, so the refused statement does not abort the test's transaction on PostgreSQL.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# Issued packs -----------------------------------------------------------------------------------


def test_an_issued_pack_cannot_be_changed_or_deleted_through_the_orm(issued):
    with pytest.raises(PackIsFinal, match=PACK_IS_FINAL):
        Pack.objects.filter(pk=issued.pk).update(reason="x")
    with pytest.raises(PackIsFinal):
        Pack.objects.filter(pk=issued.pk).delete()
    with pytest.raises(PackIsFinal):
        Pack.objects.all().update(pages=99)
    issued.reason = "x"
    with pytest.raises(PackIsFinal):
        issued.save()
    with pytest.raises(PackIsFinal):
        issued.delete()

    issued.refresh_from_db()
    assert (issued.reason, issued.pages, issued.status) == ("", 1, Pack.PackStatus.ISSUED)
    assert Pack.objects.count() == 1


@postgresql_only
def test_the_trigger_refuses_sql_that_changes_or_deletes_an_issued_pack(issued):
    with pytest.raises(IntegrityError, match="has been issued and is final: UPDATE refused"):
        _raw("UPDATE boards_pack SET reason = 'x' WHERE id = %s", issued.pk)
    with pytest.raises(IntegrityError, match="has been issued and is final: DELETE refused"):
        _raw("DELETE FROM boards_pack WHERE id = %s", issued.pk)
    # The base manager has no queryset rules: the trigger alone refuses.
    with pytest.raises(IntegrityError), transaction.atomic():
        Pack._base_manager.filter(pk=issued.pk).update(reason="x")

    issued.refresh_from_db()
    assert (issued.reason, issued.status) == ("", Pack.PackStatus.ISSUED)


def test_a_building_pack_can_fail_be_retried_and_be_issued(db):
    pack = factories.PackFactory(status=Pack.PackStatus.BUILDING, pdf="", issued_at=None)
    packs = Pack.objects.filter(pk=pack.pk)

    packs.update(status=Pack.PackStatus.FAILED, error="OSError: disk full")
    packs.update(status=Pack.PackStatus.BUILDING, error="")
    packs.update(status=Pack.PackStatus.ISSUED, pdf="packs/pack.pdf", issued_at=timezone.now())

    pack.refresh_from_db()
    assert pack.status == Pack.PackStatus.ISSUED
    with pytest.raises(PackIsFinal):
        packs.update(status=Pack.PackStatus.BUILDING)


@postgresql_only
def test_the_trigger_lets_a_building_pack_be_issued_and_then_holds_it(db):
    pack = factories.PackFactory(status=Pack.PackStatus.BUILDING, pdf="", issued_at=None)

    _raw("UPDATE boards_pack SET status = 'failed' WHERE id = %s", pack.pk)
    _raw("UPDATE boards_pack SET status = 'building' WHERE id = %s", pack.pk)
    _raw(
        "UPDATE boards_pack SET status = 'issued', pdf = 'packs/p.pdf', issued_at = now() "
        "WHERE id = %s",
        pack.pk,
    )
    with pytest.raises(IntegrityError, match="UPDATE refused"):
        _raw("UPDATE boards_pack SET status = 'building' WHERE id = %s", pack.pk)

    pack.refresh_from_db()
    assert pack.status == Pack.PackStatus.ISSUED


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_test_runners_flush_still_empties_the_tables_the_triggers_guard():
    factories.PackFactory()
    factories.ProgressUpdateFactory()

    # What the test runner does between transactional tests: TRUNCATE, which row triggers
    # do not see.
    call_command("flush", interactive=False, verbosity=0)

    assert not Pack.objects.exists()
    assert not ProgressUpdate.objects.exists()


def test_a_meeting_named_by_an_issued_pack_cannot_be_deleted(issued, client, admin_user):
    meeting = factories.MeetingFactory(board=issued.board)
    failed = factories.PackFactory(
        board=issued.board, meeting=meeting, status=Pack.PackStatus.FAILED, pdf="", issued_at=None
    )
    # Issued with its meeting from the start: a pack is never given a meeting once issued.
    named = factories.PackFactory(board=issued.board, meeting=meeting)
    client.force_login(admin_user)

    page = client.post(reverse("admin:boards_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    with pytest.raises(ProtectedError) as refused:
        meeting.delete()

    assert page.status_code == 200
    assert "<title>Cannot delete meeting" in page.text
    assert "permission to delete the following types of objects" in page.text
    assert "<li>pack</li>" in page.text
    assert 'name="post"' not in page.text
    assert set(refused.value.protected_objects) == {named}
    named.refresh_from_db()
    failed.refresh_from_db()
    assert (named.meeting, failed.meeting) == (meeting, meeting)


def test_a_meeting_named_only_by_a_failed_pack_can_be_deleted(db):
    failed = factories.PackFactory(status=Pack.PackStatus.FAILED, pdf="", issued_at=None)
    failed.meeting = factories.MeetingFactory(board=failed.board)
    failed.save()

    failed.meeting.delete()

    failed.refresh_from_db()
    assert failed.meeting is None


def test_the_admin_cannot_delete_an_issued_pack(client, admin_user, issued):
    client.force_login(admin_user)

    page = client.post(reverse("admin:boards_pack_delete", args=[issued.pk]), {"post": "yes"})

    assert page.status_code == 403
    assert Pack.objects.filter(pk=issued.pk, status=Pack.PackStatus.ISSUED).exists()


# Progress updates -------------------------------------------------------------------------------


def test_a_progress_update_cannot_be_changed_or_deleted_through_the_orm(update):
    with pytest.raises(AppendOnly, match=PROGRESS_UPDATES_ARE_APPEND_ONLY):
        ProgressUpdate.objects.filter(pk=update.pk).update(commentary="x")
    with pytest.raises(AppendOnly):
        ProgressUpdate.objects.filter(pk=update.pk).delete()
    with pytest.raises(AppendOnly):
        update.action.updates.update(commentary="x")
    # bulk_update updates inside atomic(savepoint=False): its own savepoint keeps the test's.
    with pytest.raises(AppendOnly), transaction.atomic():
        ProgressUpdate.objects.bulk_update([update], ["commentary"])
    update.commentary = "x"
    with pytest.raises(AppendOnly):
        update.save()
    with pytest.raises(AppendOnly):
        update.delete()

    update.refresh_from_db()
    assert update.commentary == "Six offers made."
    assert ProgressUpdate.objects.count() == 1


def test_a_new_update_built_with_an_old_updates_key_does_not_overwrite_it(update):
    forged = ProgressUpdate(pk=update.pk, action=update.action, at=update.at, commentary="x")

    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()

    update.refresh_from_db()
    assert update.commentary == "Six offers made."


@postgresql_only
def test_the_trigger_refuses_sql_that_changes_or_deletes_a_progress_update(update):
    with pytest.raises(IntegrityError, match="append-only: progress update .* refused UPDATE"):
        _raw("UPDATE improvement_progressupdate SET commentary = 'x' WHERE id = %s", update.pk)
    with pytest.raises(IntegrityError, match="refused DELETE"):
        _raw("DELETE FROM improvement_progressupdate WHERE id = %s", update.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate._base_manager.filter(pk=update.pk).update(commentary="x")

    update.refresh_from_db()
    assert update.commentary == "Six offers made."


def test_an_action_plan_or_user_with_progress_updates_cannot_be_deleted(update):
    by = factories.UserFactory(username="officer")
    factories.ProgressUpdateFactory(action=update.action, by=by)

    for refused in (update.action, update.action.plan, by):
        with pytest.raises(ProtectedError), transaction.atomic():
            refused.delete()

    assert Action.objects.filter(pk=update.action.pk).exists()
    assert ProgressUpdate.objects.count() == 2


def test_the_admin_refuses_to_delete_an_action_with_updates_and_says_why(
    client, admin_user, update
):
    client.force_login(admin_user)
    url = reverse("admin:improvement_action_delete", args=[update.action.pk])

    page = client.post(url, {"post": "yes"})

    # Django's own refusal: progress updates may never be deleted, so it names them as what
    # the account may not delete, and offers no confirm button.
    assert page.status_code == 200
    assert "<title>Cannot delete action" in page.text
    assert "permission to delete the following types of objects" in page.text
    assert "progress update" in page.text
    assert 'name="post"' not in page.text
    assert Action.objects.filter(pk=update.action.pk).exists()


def test_the_admin_cannot_delete_a_progress_update(client, admin_user, update):
    client.force_login(admin_user)

    page = client.post(
        reverse("admin:improvement_progressupdate_delete", args=[update.pk]), {"post": "yes"}
    )

    assert page.status_code == 403
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


def test_send_back_writes_its_update_once_with_the_reason(db):
    action = factories.ActionFactory(status=Status.AWAITING_SIGN_OFF, impact_evidence="Audit.")
    lead = factories.UserFactory(username="improvement_lead")
    factories.PlanRoleFactory(plan=action.plan, user=lead, role=PlanRole.Role.IMPROVEMENT_LEAD)
    reason = "The audit does not show impact yet."

    with CaptureQueriesContext(connection) as queries:
        update = send_back(action=action, by=lead, expected_version=action.version, reason=reason)

    touching = [q["sql"] for q in queries if "improvement_progressupdate" in q["sql"]]
    writes = [sql.split()[0] for sql in touching if not sql.startswith("SELECT")]
    assert writes == ["INSERT"]
    stored = ProgressUpdate.objects.get()
    assert (stored.pk, stored.reason, stored.commentary, stored.status_after) == (
        update.pk,
        reason,
        SENT_BACK % {"reason": reason},
        Status.IN_PROGRESS,
    )


def test_deleting_an_action_with_updates_from_its_objective_inline_is_a_form_error(
    client, admin_user, update
):
    action = update.action
    action.objective = factories.ObjectiveFactory(plan=action.plan)
    action.save()
    client.force_login(admin_user)
    url = reverse("admin:improvement_objective_change", args=[action.objective.pk])
    data = posted_form(client.get(url))
    data["actions-0-DELETE"] = "on"

    page = client.post(url, data)

    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in page.text
    assert Action.objects.filter(pk=action.pk).exists()
