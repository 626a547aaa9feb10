"""Evidence files and board packs leave only through permission-checked views, sent by the web
server where one is set, stored under random names, never routed as media. With DEBUG off, as a
council runs it. What an upload may be is tests/security/test_uploads.py."""

import importlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse

from improvement.models import Evidence
from improvement.services import attach_evidence
from tests import factories
from tests.sample_files import SMALL_PDF


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


@pytest.fixture
def pack(plan):
    board = factories.BoardFactory()
    board.plans.add(plan)
    return factories.PackFactory(plan=plan, board=board)


@pytest.fixture
def no_role(db):
    return factories.UserFactory(username="no_role")


def _evidence_url(evidence):
    return reverse(
        "improvement:evidence",
        kwargs={
            "slug": evidence.action.plan.slug,
            "reference": evidence.action.reference,
            "pk": evidence.pk,
        },
    )


def _pack_url(pack):
    return reverse("boards:download", kwargs={"pk": pack.pk})


def _as(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _assert_private_download(response, *, filename_header: str, content_type: str):
    assert response.status_code == 200
    assert response["Content-Disposition"] == filename_header
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Content-Type"] == content_type


# Who gets the file ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer", "chair", "improvement_lead"])
def test_people_who_read_the_action_download_its_evidence(request, evidence, persona):
    response = _as(request.getfixturevalue(persona)).get(_evidence_url(evidence))

    _assert_private_download(
        response,
        filename_header="attachment; filename*=utf-8''Audit%20report%20%E2%80%93%20March.pdf",
        content_type="application/pdf",
    )
    assert _body(response) == SMALL_PDF


@pytest.mark.parametrize("persona", ["no_role", "other_officer"])
def test_people_who_cannot_read_the_plan_are_told_the_evidence_is_not_there(
    request, evidence, persona
):
    client = _as(request.getfixturevalue(persona))

    refused = client.get(_evidence_url(evidence))
    missing = client.get(_evidence_url(evidence).replace(f"/{evidence.pk}/", "/999999/"))

    assert refused.status_code == missing.status_code == 404
    assert "Content-Disposition" not in refused


def test_anonymous_user_is_sent_to_sign_in_for_evidence(evidence):
    response = Client().get(_evidence_url(evidence))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_evidence_is_only_found_under_its_own_action_and_plan(evidence, plan, officer_lead, chair):
    other_action = factories.ActionFactory(plan=plan, reference="FEB17-1", lead=officer_lead)
    other_plan = factories.PlanFactory(slug="elsewhere")
    url = _evidence_url(evidence)
    client = _as(chair)

    assert client.get(url.replace("JAN17-5", other_action.reference)).status_code == 404
    assert client.get(url.replace(plan.slug, other_plan.slug)).status_code == 404
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", ["chair", "improvement_lead"])
def test_people_who_read_the_boards_packs_download_an_issued_pack(request, pack, persona):
    response = _as(request.getfixturevalue(persona)).get(_pack_url(pack))

    _assert_private_download(
        response,
        filename_header=f'attachment; filename="{pack.filename}"',
        content_type="application/pdf",
    )
    assert _body(response) == b"%PDF-1.7 stand-in"


@pytest.mark.parametrize("persona", ["officer", "no_role", "other_officer"])
def test_people_who_cannot_read_packs_are_told_the_pack_is_not_there(
    request, pack, action, persona
):
    response = _as(request.getfixturevalue(persona)).get(_pack_url(pack))

    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_anonymous_user_is_sent_to_sign_in_for_a_pack(pack):
    response = Client().get(_pack_url(pack))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("status", ["building", "failed"])
def test_a_pack_that_is_not_issued_cannot_be_downloaded_even_by_its_chair(chair, pack, status):
    # Same board and plan as the issued one, a PDF stored, but not (yet) issued.
    unissued = factories.PackFactory(
        plan=pack.plan, board=pack.board, status=status, issued_at=None
    )

    assert _as(chair).get(_pack_url(unissued)).status_code == 404
    assert _as(chair).get(_pack_url(pack)).status_code == 200


# How it is sent --------------------------------------------------------------------------------


def test_nginx_sends_the_file_after_the_same_permission_check(settings, evidence, pack, chair):
    settings.PRIVATE_FILES_ACCEL_REDIRECT = "/protected/"
    client = _as(chair)

    sent = client.get(_evidence_url(evidence))
    pdf = client.get(_pack_url(pack))
    refused = _as(factories.UserFactory()).get(_evidence_url(evidence))

    assert sent["X-Accel-Redirect"] == f"/protected/{evidence.file.name}"
    assert pdf["X-Accel-Redirect"] == f"/protected/{pack.pdf.name}"
    assert sent.content == b""
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert sent["Content-Type"] == "application/pdf"
    assert "no-store" in sent["Cache-Control"]
    assert sent["Content-Disposition"].startswith("attachment; filename*=utf-8''Audit")
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_apache_sends_the_file_from_its_path(settings, tmp_path, action, officer, chair):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_FILES_SENDFILE = True
    stored = attach_evidence(
        action=action,
        by=officer,
        expected_version=action.version,
        file=SimpleUploadedFile("minutes.txt", b"Panel met on 3 March."),
    )

    response = _as(chair).get(_evidence_url(stored))

    assert response["X-Sendfile"] == str(tmp_path / stored.file.name)
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="minutes.txt"'


def test_a_file_that_claims_to_be_a_web_page_is_never_served_as_one(action, officer, chair):
    stored = attach_evidence(
        action=action,
        by=officer,
        expected_version=action.version,
        file=SimpleUploadedFile("notes.txt", b"Plain notes"),
    )
    Evidence.objects.filter(pk=stored.pk).update(original_name="notes.html")

    response = _as(chair).get(_evidence_url(stored))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="notes.html"'


# Where it is stored ----------------------------------------------------------------------------


def test_stored_names_carry_no_user_text_and_differ_for_the_same_upload(action, officer):
    names = []
    for _ in range(2):
        action.refresh_from_db()
        stored = attach_evidence(
            action=action,
            by=officer,
            expected_version=action.version,
            file=SimpleUploadedFile("Smith family – chronology.pdf", SMALL_PDF),
        )
        names.append(stored.file.name)
        assert stored.original_name == "Smith family – chronology.pdf"

    assert names[0] != names[1]
    for name in names:
        assert re.fullmatch(r"evidence/[0-9a-f]{32}", name)


def test_an_issued_pack_is_stored_under_a_random_name(pack):
    assert re.fullmatch(r"packs/[0-9a-f]{32}\.pdf", pack.pdf.name)
    assert pack.plan.slug not in pack.pdf.name


@pytest.mark.parametrize("debug", [False, True])
def test_media_is_not_routed_in_either_mode(settings, evidence, pack, chair, debug):
    settings.DEBUG = debug
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()
    try:
        client = _as(chair)
        for name in (evidence.file.name, pack.pdf.name):
            assert client.get(f"/media/{name}").status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()


def test_pages_link_to_the_download_views_and_never_to_media(evidence, pack, chair, admin_user):
    action_page = _as(chair).get(evidence.action.get_absolute_url()).content.decode()
    board_page = _as(chair).get(reverse("boards:board", kwargs={"pk": pack.board.pk}))
    pack_page = _as(chair).get(pack.get_absolute_url()).content.decode()
    admin = _as(admin_user)
    admin_pages = [
        admin.get(reverse("admin:improvement_evidence_change", args=[evidence.pk])),
        admin.get(reverse("admin:improvement_action_change", args=[evidence.action.pk])),
    ]
    pack_admin = admin.get(reverse("admin:boards_pack_change", args=[pack.pk])).content.decode()

    for page in [action_page, board_page.content.decode(), pack_page, pack_admin] + [
        p.content.decode() for p in admin_pages
    ]:
        assert "/media/" not in page
    assert f'href="{_evidence_url(evidence)}"' in action_page
    assert "Audit report – March.pdf" in action_page
    assert _pack_url(pack) in pack_page
    assert _pack_url(pack) in board_page.content.decode()
    archive_url = reverse("boards:archive", kwargs={"pk": pack.pk})
    for page in (pack_page, board_page.content.decode(), pack_admin):
        assert archive_url in page
    assert _pack_url(pack) in pack_admin
    for page in admin_pages:
        assert f'href="{_evidence_url(evidence)}"' in page.content.decode()


def test_the_update_page_and_timeline_link_the_evidence(evidence, officer):
    client = _as(officer)
    update_page = client.get(f"{evidence.action.get_absolute_url()}update/").content.decode()
    action_page = client.get(evidence.action.get_absolute_url()).content.decode()

    assert f'href="{_evidence_url(evidence)}"' in update_page
    assert action_page.count(f'href="{_evidence_url(evidence)}"') == 2  # list and timeline
