"""The services check permission themselves, so an admin action or command cannot skip it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from improvement.models import Action, Evidence, ProgressUpdate, Rag, Status
from improvement.services import (
    EVIDENCE_ADDED,
    EVIDENCE_MISSING,
    IMPACT_EVIDENCE_REQUIRED,
    NOT_AWAITING_SIGN_OFF,
    SIGNED_OFF,
    attach_evidence,
    request_sign_off,
    send_back,
    sign_off,
)
from tests.sample_files import docx


def _nothing_changed(action, version=1):
    action.refresh_from_db()
    return action.version == version and not ProgressUpdate.objects.exists()


def test_request_sign_off_needs_impact_evidence(overdue_action, officer):
    with pytest.raises(ValidationError) as refused:
        request_sign_off(
            action=overdue_action,
            by=officer,
            expected_version=1,
            impact_evidence=" ",
            commentary="Done.",
        )

    assert refused.value.message_dict == {"impact_evidence": [IMPACT_EVIDENCE_REQUIRED]}
    assert _nothing_changed(overdue_action)


@pytest.fixture
def awaiting(overdue_action, officer):
    request_sign_off(
        action=overdue_action,
        by=officer,
        expected_version=1,
        impact_evidence="Re-audit: 94% outcome-focused.",
        commentary="Done.",
    )
    return overdue_action


def test_the_lead_officer_cannot_sign_off_their_own_action(awaiting, officer):
    with pytest.raises(PermissionDenied):
        sign_off(action=awaiting, by=officer, expected_version=2)

    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.version) == (Status.AWAITING_SIGN_OFF, 2)


def test_a_chair_cannot_send_back(awaiting, chair):
    with pytest.raises(PermissionDenied):
        send_back(action=awaiting, by=chair, expected_version=2, reason="No.")

    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_SIGN_OFF


def test_sign_off_writes_an_attributed_update_and_completes_blue(awaiting, improvement_lead):
    update = sign_off(action=awaiting, by=improvement_lead, expected_version=2)

    assert (update.by, update.status_before, update.status_after) == (
        improvement_lead,
        Status.AWAITING_SIGN_OFF,
        Status.COMPLETE,
    )
    assert (update.progress_rag_after, update.commentary) == (Rag.BLUE, SIGNED_OFF)
    assert awaiting.history.first().history_user == improvement_lead


def test_only_an_action_awaiting_sign_off_can_be_signed_off(overdue_action, improvement_lead):
    with pytest.raises(ValidationError) as refused:
        sign_off(action=overdue_action, by=improvement_lead, expected_version=1)

    assert refused.value.message_dict == {"status": [NOT_AWAITING_SIGN_OFF]}
    assert _nothing_changed(overdue_action)


def test_a_chair_cannot_attach_evidence(overdue_action, chair):
    with pytest.raises(PermissionDenied):
        attach_evidence(
            action=overdue_action, by=chair, expected_version=1, link="https://x.example/"
        )

    assert not Evidence.objects.exists()
    assert _nothing_changed(overdue_action)


def test_evidence_needs_a_file_or_a_link(overdue_action, officer):
    with pytest.raises(ValidationError) as refused:
        attach_evidence(action=overdue_action, by=officer, expected_version=1)

    assert refused.value.message_dict == {"evidence_file": [EVIDENCE_MISSING]}


def test_evidence_on_its_own_writes_an_update_and_moves_the_version(overdue_action, officer):
    evidence = attach_evidence(
        action=overdue_action,
        by=officer,
        expected_version=1,
        file=SimpleUploadedFile("minutes.docx", docx()),
        description="Panel minutes",
    )

    assert evidence.update.commentary == EVIDENCE_ADDED % {"name": "Panel minutes"}
    assert evidence.update.action_version == 2
    assert Action.objects.get(pk=overdue_action.pk).version == 2
