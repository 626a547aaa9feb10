"""Evidence files and board packs leave only through permission-checked views, and an upload is
what its bytes say it is. All with DEBUG off, as a council runs it."""

import importlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse

from improvement.models import Evidence, ProgressUpdate, Rag
from improvement.services import EVIDENCE_ADDED, attach_evidence
from improvement.uploads import (
    BINARY,
    EVIDENCE_CONTENT_MISMATCH,
    EVIDENCE_DAMAGED,
    EVIDENCE_EXPANDS_TOO_FAR,
    EVIDENCE_HAS_MACROS,
    EVIDENCE_TOO_LARGE,
    EVIDENCE_TYPE_REFUSED,
    HTML,
    PDF,
    TEXT,
    WINDOWS_PROGRAM,
    WORD,
    validate_evidence_file,
)
from tests import factories, sample_files
from tests.adminforms import posted_form
from tests.sample_files import HTML_PAGE, SMALL_PDF
from tests.sample_files import WINDOWS_PROGRAM as EXE_BYTES


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


@pytest.fixture
def action(plan, officer_lead):
    return factories.ActionFactory(plan=plan, reference="JAN17-5", lead=officer_lead)


@pytest.fixture
def evidence(action, officer):
    return attach_evidence(
        action=action,
        by=officer,
        expected_version=action.version,
        file=SimpleUploadedFile("Audit report – March.pdf", SMALL_PDF),
    )


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


# What an upload is ----------------------------------------------------------------------------


ACCEPTED = {
    "report.pdf": lambda: SMALL_PDF,
    "pack.pdf": sample_files.weasyprint_pdf,
    "minutes.docx": sample_files.docx,
    "figures.xlsx": sample_files.xlsx,
    "chart.png": sample_files.png,
    "photo.jpg": sample_files.jpeg,
    "photo.jpeg": sample_files.jpeg,
    "summary.odt": sample_files.odt,
    "visits.csv": lambda: b"Month,Visits\r\nMarch,87%\r\n",
    "notes.txt": lambda: "Café visit notes – agreed".encode("cp1252"),
}

REFUSED = {
    "fake.pdf": (EXE_BYTES, EVIDENCE_CONTENT_MISMATCH, {"expected": PDF, "found": WINDOWS_PROGRAM}),
    "evil.html.pdf": (HTML_PAGE, EVIDENCE_CONTENT_MISMATCH, {"expected": PDF, "found": HTML}),
    "payload.exe": (EXE_BYTES, EVIDENCE_TYPE_REFUSED, {}),
    "minutes.docx": (sample_files.docm_wearing_docx, EVIDENCE_HAS_MACROS, {"extension": "docx"}),
    "notes.txt": (
        b"abc\x00\x00def",
        EVIDENCE_CONTENT_MISMATCH,
        {"expected": TEXT, "found": BINARY},
    ),
    "page.txt": (b"  <html><body>hi</body></html>", EVIDENCE_CONTENT_MISMATCH, {"found": HTML}),
    "report.docx": (SMALL_PDF, EVIDENCE_CONTENT_MISMATCH, {"expected": WORD, "found": PDF}),
    "broken.docx": (b"PK\x03\x04 not really a zip", EVIDENCE_DAMAGED, {"expected": WORD}),
}


def _params(name, params):
    defaults = {"name": name}
    if "found" in params and "expected" not in params:
        defaults["expected"] = TEXT
    return {**defaults, **params}


def _bytes(content):
    return content() if callable(content) else content


@pytest.mark.parametrize("name", ACCEPTED)
def test_genuine_files_are_accepted_on_the_update_page(client, officer, action, name):
    client.force_login(officer)
    content = ACCEPTED[name]()

    response = client.post(
        f"{action.get_absolute_url()}update/",
        {
            "version": action.version,
            "progress_rag": action.progress_rag,
            "status": action.status,
            "evidence_file": SimpleUploadedFile(name, content),
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    evidence = Evidence.objects.get()
    assert evidence.original_name == name
    with default_storage.open(evidence.file.name, "rb") as stored:
        assert stored.read() == content
    assert ProgressUpdate.objects.get().commentary == EVIDENCE_ADDED % {"name": name}


@pytest.mark.parametrize("name", REFUSED)
def test_hostile_files_are_refused_on_the_update_page(client, officer, action, name):
    content, message, params = REFUSED[name]
    client.force_login(officer)

    response = client.post(
        f"{action.get_absolute_url()}update/",
        {
            "version": action.version,
            "progress_rag": Rag.AMBER,
            "status": action.status,
            "commentary": "Evidence attached.",
            "evidence_file": SimpleUploadedFile(name, _bytes(content)),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["evidence_file"] == [message % _params(name, params)]
    assert not Evidence.objects.exists()
    assert not ProgressUpdate.objects.exists()


def test_the_message_names_the_file_and_what_it_really_is():
    with pytest.raises(ValidationError) as refused:
        validate_evidence_file(SimpleUploadedFile("evil.html.pdf", HTML_PAGE))

    assert refused.value.messages == ["evil.html.pdf is not a PDF: its content is HTML."]


def test_a_zip_that_expands_too_far_is_refused_without_a_crash(settings):
    settings.EVIDENCE_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    bomb = sample_files.zip_bomb(2 * 1024 * 1024)

    with pytest.raises(ValidationError) as refused:
        validate_evidence_file(SimpleUploadedFile("minutes.docx", bomb))

    assert refused.value.messages == [
        EVIDENCE_EXPANDS_TOO_FAR % {"name": "minutes.docx", "limit": "1.0\xa0MB"}
    ]


# The admin ------------------------------------------------------------------------------------


def test_the_admin_cannot_add_evidence_so_cannot_take_a_file_the_site_refuses(admin_user, action):
    client = _as(admin_user)

    assert client.get(reverse("admin:improvement_evidence_add")).status_code == 403
    page = client.get(reverse("admin:improvement_action_change", args=[action.pk]))
    data = posted_form(page)
    data.update(
        {
            "evidence-TOTAL_FORMS": "2",
            "evidence-0-description": "Executable",
            "evidence-0-file": SimpleUploadedFile("fake.pdf", EXE_BYTES),
            "evidence-1-description": "Web page",
            "evidence-1-file": SimpleUploadedFile("evil.html.pdf", HTML_PAGE),
        }
    )
    added = client.post(
        reverse("admin:improvement_evidence_add"),
        {"action": action.pk, "file": SimpleUploadedFile("payload.exe", EXE_BYTES)},
    )
    inline = client.post(reverse("admin:improvement_action_change", args=[action.pk]), data)

    assert added.status_code == 403
    assert inline.status_code in (200, 302)
    assert not Evidence.objects.exists()
    assert not ProgressUpdate.objects.exists()


def test_the_admin_points_to_the_update_page_to_add_evidence(admin_user, evidence):
    page = _as(admin_user).get(reverse("admin:improvement_evidence_change", args=[evidence.pk]))

    assert f"{evidence.action.get_absolute_url()}update/" in page.content.decode()


def test_a_model_form_of_evidence_runs_the_same_check(action):
    from django import forms

    class EvidenceForm(forms.ModelForm):
        class Meta:
            model = Evidence
            fields = ["action", "file"]

    form = EvidenceForm(
        {"action": action.pk}, {"file": SimpleUploadedFile("evil.html.pdf", HTML_PAGE)}
    )

    assert form.errors["file"] == ["evil.html.pdf is not a PDF: its content is HTML."]


# Size ----------------------------------------------------------------------------------------


class CountingInput:
    """A WSGI input that makes a long body on demand and counts how much of it was read."""

    def __init__(self, head: bytes, filler: int, tail: bytes):
        self.parts = [head, filler, tail]
        self.length = len(head) + filler + len(tail)
        self.read_bytes = 0

    def read(self, size=-1):
        if size is None or size < 0:
            size = self.length - self.read_bytes
        size = min(size, self.length - self.read_bytes)
        head, filler, tail = self.parts
        out = bytearray()
        position = self.read_bytes
        while len(out) < size:
            if position < len(head):
                piece = head[position : position + size - len(out)]
            elif position < len(head) + filler:
                piece = b"x" * min(size - len(out), len(head) + filler - position)
            else:
                start = position - len(head) - filler
                piece = tail[start : start + size - len(out)]
            out += piece
            position += len(piece)
        self.read_bytes = position
        return bytes(out)

    def readline(self, size=-1):
        return self.read(size)


def _multipart(fields: dict, *, file_name: str, file_size: int, boundary="XyZ") -> CountingInput:
    head = b""
    for name, value in fields.items():
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="evidence_file"; '
        f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n'
    ).encode()
    return CountingInput(head, file_size, f"\r\n--{boundary}--\r\n".encode())


def test_an_over_size_body_is_refused_before_it_is_read_with_a_message_on_the_form(
    settings, officer, action
):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    settings.UPLOAD_MAX_REQUEST_BYTES = 2 * 1024 * 1024
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    url = f"{action.get_absolute_url()}update/"
    client.get(url)
    body = _multipart(
        {
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            "version": action.version,
            "progress_rag": Rag.AMBER,
            "status": action.status,
            "commentary": "Sixty megabytes of audit.",
        },
        file_name="audit.pdf",
        file_size=60 * 1024 * 1024,
    )

    response = client.post(
        url,
        content_type="multipart/form-data; boundary=XyZ",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.length)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["evidence_file"] == [
        EVIDENCE_TOO_LARGE % {"limit": "1.0\xa0MB"}
    ]
    assert "The file must be smaller than 1.0" in response.content.decode()
    assert response.context["form"]["commentary"].value() == "Sixty megabytes of audit."
    assert body.read_bytes < 1024 * 1024
    assert not Evidence.objects.exists()
    assert not ProgressUpdate.objects.exists()


def test_a_body_within_the_request_limit_but_over_the_file_limit_is_refused_by_the_form(
    settings, officer, action
):
    settings.EVIDENCE_MAX_BYTES = 1024
    client = _as(officer)

    response = client.post(
        f"{action.get_absolute_url()}update/",
        {
            "version": action.version,
            "progress_rag": Rag.GREEN,
            "status": action.status,
            "evidence_file": SimpleUploadedFile("big.pdf", SMALL_PDF + b"x" * 2048),
        },
    )

    assert response.context["form"].errors["evidence_file"] == [
        EVIDENCE_TOO_LARGE % {"limit": "1.0\xa0KB"}
    ]
    assert not Evidence.objects.exists()
