"""Rules that live once, on the model fields, so a form, a service, the admin and full_clean()
all refuse the same values with the same words."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from improvement.models import (
    SCORE_OUT_OF_RANGE,
    TARGET_SCORE_OUT_OF_RANGE,
    Evidence,
    Risk,
)
from improvement.uploads import EVIDENCE_CONTENT_MISMATCH, EVIDENCE_TYPE_REFUSED
from tests.factories import ActionFactory

WINDOWS_PROGRAM = b"MZ\x90\x00" + b"\x00" * 60


def _risk(plan, **scores) -> Risk:
    return Risk(plan=plan, reference="R1", description="Social workers leave", **scores)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("likelihood", 6),
        ("likelihood", 0),
        ("impact", 6),
        ("residual_likelihood", 6),
        ("residual_impact", 0),
    ],
)
def test_a_risk_scored_outside_1_to_5_is_refused_by_full_clean_with_a_clear_message(
    plan, field, value
):
    risk = _risk(plan, likelihood=3, impact=3)
    setattr(risk, field, value)

    with pytest.raises(ValidationError) as refused:
        risk.full_clean()

    assert refused.value.message_dict == {field: [SCORE_OUT_OF_RANGE]}


def test_a_risk_scored_within_1_to_5_passes_full_clean(plan):
    _risk(
        plan, likelihood=5, impact=1, residual_likelihood=1, residual_impact=5, target_score=25
    ).full_clean()


@pytest.mark.parametrize("target", [0, 26])
def test_a_target_score_outside_1_to_25_is_refused(plan, target):
    with pytest.raises(ValidationError) as refused:
        _risk(plan, likelihood=3, impact=3, target_score=target).full_clean()

    assert refused.value.message_dict == {"target_score": [TARGET_SCORE_OUT_OF_RANGE]}


def test_an_evidence_file_of_a_type_the_tracker_refuses_is_refused_by_the_field(plan):
    evidence = Evidence(
        action=ActionFactory(plan=plan), file=SimpleUploadedFile("payload.exe", WINDOWS_PROGRAM)
    )

    with pytest.raises(ValidationError) as refused:
        evidence.full_clean()

    assert refused.value.message_dict["file"] == [EVIDENCE_TYPE_REFUSED % {"name": "payload.exe"}]


def test_forms_and_services_ask_the_fields_own_validators_of_an_upload():
    renamed = SimpleUploadedFile("minutes.pdf", WINDOWS_PROGRAM)

    with pytest.raises(ValidationError) as refused:
        Evidence.check_file(renamed)

    assert refused.value.messages == [
        EVIDENCE_CONTENT_MISMATCH
        % {"name": "minutes.pdf", "expected": "a PDF", "found": "a Windows program"}
    ]
    Evidence.check_file(SimpleUploadedFile("minutes.txt", b"Minutes of the board"))
