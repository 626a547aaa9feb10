"""An upload is what its bytes say it is: genuine files are accepted, hostile ones refused with a
message naming the file, on the update page, in the admin and in any model form, and a body over
the size limit is refused before it is read. With DEBUG off, as a council runs it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from improvement.models import Evidence, ProgressUpdate, Rag
from improvement.services import EVIDENCE_ADDED
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
from tests import sample_files
from tests.adminforms import posted_form
from tests.sample_files import HTML_PAGE, SMALL_PDF
from tests.sample_files import WINDOWS_PROGRAM as EXE_BYTES


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def _as(user):
    client = Client()
    client.force_login(user)
    return client


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
