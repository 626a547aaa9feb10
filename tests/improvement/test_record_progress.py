import pytest
from django.core.exceptions import ValidationError

from improvement.models import ProgressUpdate, Rag, Status
from improvement.services import COMMENTARY_REQUIRED, StaleEdit, record_progress
from tests.factories import ActionFactory


@pytest.fixture
def action(plan, officer_lead):
    return ActionFactory(plan=plan, lead=officer_lead)


def test_every_rag_or_status_change_writes_one_attributed_progress_update(action, officer):
    record_progress(
        action=action,
        by=officer,
        expected_version=1,
        progress_rag=Rag.AMBER,
        status=Status.IN_PROGRESS,
        commentary="Recruitment started; two posts still vacant.",
    )

    update = ProgressUpdate.objects.get(action=action)
    assert (update.progress_rag_before, update.progress_rag_after) == (Rag.NOT_RATED, Rag.AMBER)
    assert (update.status_before, update.status_after) == (Status.NOT_STARTED, Status.IN_PROGRESS)
    assert update.by == officer
    action.refresh_from_db()
    assert (action.progress_rag, action.version) == (Rag.AMBER, 2)
    assert action.history.first().history_user == officer


def test_a_change_of_rag_without_commentary_is_refused_and_nothing_changes(action, officer):
    with pytest.raises(ValidationError) as refused:
        record_progress(action=action, by=officer, expected_version=1, progress_rag=Rag.GREEN)

    assert refused.value.message_dict["commentary"] == [COMMENTARY_REQUIRED]
    action.refresh_from_db()
    assert (action.progress_rag, action.version) == (Rag.NOT_RATED, 1)
    assert not ProgressUpdate.objects.exists()


def test_an_edit_from_an_older_version_is_refused_and_shows_the_newer_change(
    action, officer, improvement_lead
):
    record_progress(
        action=action,
        by=improvement_lead,
        expected_version=1,
        progress_rag=Rag.RED,
        commentary="Escalated to the board.",
    )

    with pytest.raises(StaleEdit) as stale:
        record_progress(
            action=action,
            by=officer,
            expected_version=1,
            progress_rag=Rag.GREEN,
            commentary="On track.",
        )

    assert [u.commentary for u in stale.value.updates] == ["Escalated to the board."]
    action.refresh_from_db()
    assert action.progress_rag == Rag.RED
    assert ProgressUpdate.objects.count() == 1
