"""An officer updates an action through the update page: the rules the form and services enforce."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from improvement.models import Action, Evidence, ProgressUpdate, Rag, Status
from improvement.services import (
    COMMENTARY_REQUIRED,
    COMMENTARY_REQUIRED_RED_AMBER,
    DUE_REASON_REQUIRED,
    IMPACT_EVIDENCE_REQUIRED,
    SEND_BACK_REASON_REQUIRED,
    STALE_EDIT,
)
from improvement.uploads import EVIDENCE_TYPE_REFUSED
from improvement.views import SENT_BACK, SIGN_OFF_REQUESTED, SIGNED_OFF, UPDATE_SAVED
from tests.sample_files import SMALL_PDF


@pytest.fixture
def update_url(overdue_action):
    return f"{overdue_action.get_absolute_url()}update/"


@pytest.fixture
def as_officer(client, officer):
    client.force_login(officer)
    return client


def _form(**changes):
    data = {"version": 1, "progress_rag": Rag.GREEN, "status": Status.IN_PROGRESS}
    data.update(changes)
    return data


def _unchanged(action):
    action.refresh_from_db()
    return action.version == 1 and not ProgressUpdate.objects.exists()


def test_the_update_form_labels_every_field_and_describes_its_hints(as_officer, update_url):
    page = as_officer.get(update_url).content.decode()

    for name in ("progress_rag", "status", "commentary", "due_on", "due_reason", "evidence_file"):
        assert f'<label class="govuk-label" for="id_{name}">' in page
    assert 'aria-describedby="id_commentary-hint"' in page
    assert '<input type="hidden" name="version" value="1"' in page


def test_an_officer_sets_amber_with_commentary_and_sees_it_on_the_action(
    as_officer, overdue_action, update_url, officer
):
    response = as_officer.post(
        update_url, _form(progress_rag=Rag.AMBER, commentary="Two audits slipped to March.")
    )

    assert response["Location"] == overdue_action.get_absolute_url()
    page = as_officer.get(response["Location"]).content.decode()
    assert UPDATE_SAVED in page
    assert "Two audits slipped to March." in page
    update = ProgressUpdate.objects.get()
    assert (update.by, update.progress_rag_before, update.progress_rag_after) == (
        officer,
        Rag.GREEN,
        Rag.AMBER,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"progress_rag": Rag.AMBER}, COMMENTARY_REQUIRED),
        ({"status": Status.NOT_STARTED}, COMMENTARY_REQUIRED),
    ],
)
def test_a_change_without_commentary_is_refused_beside_the_field(
    as_officer, overdue_action, update_url, changes, message
):
    response = as_officer.post(update_url, _form(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors["commentary"] == [message]
    assert 'aria-describedby="id_commentary-hint id_commentary-error"' in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert _unchanged(overdue_action)


def test_an_unchanged_red_rag_still_needs_commentary(as_officer, overdue_action, update_url):
    Action.objects.filter(pk=overdue_action.pk).update(progress_rag=Rag.RED)

    response = as_officer.post(update_url, _form(progress_rag=Rag.RED, due_on="30/04/2017"))

    assert response.context["form"].errors["commentary"] == [COMMENTARY_REQUIRED_RED_AMBER]
    assert _unchanged(overdue_action)


def test_a_revised_due_date_needs_a_reason(as_officer, overdue_action, update_url):
    response = as_officer.post(update_url, _form(due_on="30/04/2017"))

    assert response.context["form"].errors["due_reason"] == [DUE_REASON_REQUIRED]
    assert _unchanged(overdue_action)


def test_due_date_revisions_are_counted_with_the_first_due_date(
    as_officer, overdue_action, update_url
):
    first_due = overdue_action.due_on
    as_officer.post(update_url, _form(due_on="30/04/2017", due_reason="Auditor off sick."))
    as_officer.post(update_url, _form(version=2, due_on="31/05/2017", due_reason="Re-scoped."))

    page = as_officer.get(overdue_action.get_absolute_url()).content.decode()

    assert f"Due date revised 2 times; first due {first_due:%d/%m/%Y}" in page
    assert "25/01/2017 → 30/04/2017. Reason: Auditor off sick." in page
    assert "30/04/2017 → 31/05/2017. Reason: Re-scoped." in page
    assert Action.objects.with_due_revisions().get(pk=overdue_action.pk).due_revisions == 2


def test_setting_a_first_due_date_is_not_a_revision(as_officer, overdue_action, update_url):
    Action.objects.filter(pk=overdue_action.pk).update(
        due_on=None, first_due_on=None, due_text="On going", due_needs_review=True
    )

    response = as_officer.post(update_url, _form(due_on="30/06/2017"))

    assert response.status_code == 302
    overdue_action.refresh_from_db()
    assert (overdue_action.due_on, overdue_action.due_needs_review) == (
        datetime.date(2017, 6, 30),
        False,
    )
    assert Action.objects.with_due_revisions().get(pk=overdue_action.pk).due_revisions == 0
    assert (
        "Due date revised" not in as_officer.get(overdue_action.get_absolute_url()).content.decode()
    )


def test_a_stale_edit_is_refused_and_shows_what_the_other_person_changed(
    as_officer, as_lead, overdue_action, update_url
):
    as_lead.post(update_url, _form(progress_rag=Rag.RED, commentary="Escalated to the board."))

    response = as_officer.post(update_url, _form(progress_rag=Rag.GREEN, commentary="On track."))

    assert response.status_code == 409
    page = response.content.decode()
    assert STALE_EDIT in page
    assert "Escalated to the board." in page
    assert '<input type="hidden" name="version" value="2"' in page
    overdue_action.refresh_from_db()
    assert (overdue_action.progress_rag, overdue_action.version) == (Rag.RED, 2)
    assert list(ProgressUpdate.objects.values_list("commentary", flat=True)) == [
        "Escalated to the board."
    ]


def test_the_same_form_posted_twice_is_refused_the_second_time(
    as_officer, overdue_action, update_url
):
    first = as_officer.post(update_url, _form(progress_rag=Rag.AMBER, commentary="First."))
    second = as_officer.post(update_url, _form(progress_rag=Rag.RED, commentary="Second."))

    assert (first.status_code, second.status_code) == (302, 409)
    overdue_action.refresh_from_db()
    assert (overdue_action.progress_rag, overdue_action.commentary) == (Rag.AMBER, "First.")
    assert ProgressUpdate.objects.count() == 1


def test_marking_complete_asks_for_impact_evidence(as_officer, overdue_action, update_url):
    response = as_officer.post(
        update_url, _form(status=Status.COMPLETE, commentary="All plans audited.")
    )

    assert response.context["form"].errors["impact_evidence"] == [IMPACT_EVIDENCE_REQUIRED]
    assert _unchanged(overdue_action)


def test_marking_complete_with_evidence_awaits_sign_off(as_officer, overdue_action, update_url):
    response = as_officer.post(
        update_url,
        _form(
            status=Status.COMPLETE,
            commentary="All plans audited.",
            impact_evidence="Re-audit: 94% of plans now outcome-focused.",
        ),
    )

    assert SIGN_OFF_REQUESTED in as_officer.get(response["Location"]).content.decode()
    overdue_action.refresh_from_db()
    assert overdue_action.status == Status.AWAITING_SIGN_OFF
    assert overdue_action.completed_on is None


@pytest.fixture
def awaiting(as_officer, overdue_action, update_url):
    as_officer.post(
        update_url,
        _form(
            status=Status.COMPLETE,
            commentary="All plans audited.",
            impact_evidence="Re-audit: 94% of plans now outcome-focused.",
        ),
    )
    overdue_action.refresh_from_db()
    return overdue_action


@pytest.fixture
def as_lead(improvement_lead):
    lead_client = Client()
    lead_client.force_login(improvement_lead)
    return lead_client


def test_an_improvement_lead_signs_off_and_the_evidenced_action_shows_blue(as_lead, awaiting):
    response = as_lead.post(
        f"{awaiting.get_absolute_url()}sign-off/", {"version": 2, "decision": "sign_off"}
    )

    page = as_lead.get(response["Location"]).content.decode()
    assert SIGNED_OFF in page
    assert "tracker-rag--blue" in page
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.progress_rag) == (Status.COMPLETE, Rag.BLUE)
    assert awaiting.completed_on is not None


def test_sending_back_needs_a_reason_and_reopens_the_action(as_lead, awaiting):
    url = f"{awaiting.get_absolute_url()}sign-off/"

    refused = as_lead.post(url, {"version": 2, "decision": "send_back", "comment": " "})
    assert refused.context["form"].errors["comment"] == [SEND_BACK_REASON_REQUIRED]
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.version) == (Status.AWAITING_SIGN_OFF, 2)

    sent = as_lead.post(
        url, {"version": 2, "decision": "send_back", "comment": "Show the re-audit sample."}
    )
    assert SENT_BACK in as_lead.get(sent["Location"]).content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == Status.IN_PROGRESS
    assert ProgressUpdate.objects.first().reason == "Show the re-audit sample."


def test_evidence_file_and_link_are_attached_to_the_update(as_officer, overdue_action, update_url):
    upload = SimpleUploadedFile("audit.pdf", SMALL_PDF, content_type="application/pdf")

    as_officer.post(
        update_url,
        _form(
            progress_rag=Rag.AMBER,
            commentary="Audit attached.",
            evidence_file=upload,
            evidence_link="https://intranet.example/audit",
            evidence_description="Audit report",
        ),
    )

    evidence = Evidence.objects.get()
    assert evidence.update == ProgressUpdate.objects.get()
    assert evidence.original_name == "audit.pdf"
    assert "audit" not in evidence.file.name
    assert evidence.link == "https://intranet.example/audit"
    assert "Audit report" in as_officer.get(overdue_action.get_absolute_url()).content.decode()


def test_a_link_alone_is_recorded_as_an_update(as_officer, overdue_action, update_url):
    response = as_officer.post(update_url, _form(evidence_link="https://intranet.example/a"))

    assert response.status_code == 302
    assert ProgressUpdate.objects.get().evidence.get().link == "https://intranet.example/a"
    overdue_action.refresh_from_db()
    assert overdue_action.version == 2


def test_an_evidence_file_of_the_wrong_type_is_refused(as_officer, overdue_action, update_url):
    upload = SimpleUploadedFile("payload.exe", b"MZ", content_type="application/octet-stream")

    response = as_officer.post(
        update_url, _form(progress_rag=Rag.AMBER, commentary="x", evidence_file=upload)
    )

    assert response.context["form"].errors["evidence_file"] == [
        EVIDENCE_TYPE_REFUSED % {"name": "payload.exe"}
    ]
    assert _unchanged(overdue_action)
    assert not Evidence.objects.exists()


@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_an_evidence_file_over_the_size_limit_is_refused(as_officer, overdue_action, update_url):
    upload = SimpleUploadedFile("big.pdf", b"x" * 2048, content_type="application/pdf")

    response = as_officer.post(
        update_url, _form(progress_rag=Rag.AMBER, commentary="x", evidence_file=upload)
    )

    assert response.context["form"].errors["evidence_file"] == [
        "The file must be smaller than 1.0\xa0KB."
    ]
    assert _unchanged(overdue_action)
    assert not Evidence.objects.exists()
