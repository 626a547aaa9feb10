"""What an uploaded evidence file is, decided from its bytes, and the limit on a request's size.

The extension says what the officer claims the file is; the first bytes (and for Office and
OpenDocument files, the zip's own table of contents) say what it is. Both must agree, so an
executable or a web page renamed `.pdf` is refused before it is stored.

Magic numbers are a small table written here rather than a library: the allow-list has five
binary signatures (PDF, PNG, JPEG, zip, OLE2), and the hard part, telling a .docx from a .docm
or a zip, needs the zip's contents, which no magic-number library looks at.
"""

import zipfile
from dataclasses import dataclass
from pathlib import Path

import olefile
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat

EVIDENCE_TYPE_REFUSED = (
    "%(name)s is not a type of file the tracker accepts. Use a PDF, Word, Excel, PowerPoint, "
    "OpenDocument, PNG, JPEG, text or CSV file."
)
EVIDENCE_TOO_LARGE = "The file must be smaller than %(limit)s."
EVIDENCE_EMPTY = "%(name)s is empty."
EVIDENCE_CONTENT_MISMATCH = "%(name)s is not %(expected)s: its content is %(found)s."
EVIDENCE_HAS_MACROS = (
    "%(name)s contains macros, which the tracker does not accept. Save it without macros "
    "(as a .%(extension)s file) and upload it again."
)
EVIDENCE_DAMAGED = "%(name)s cannot be read: the file is damaged or is not really %(expected)s."
EVIDENCE_EXPANDS_TOO_FAR = "%(name)s expands to more than %(limit)s when opened, so it was refused."

# What the content was found to be, in words that finish "its content is ...".
HTML = "HTML"
SVG = "an SVG image"
XML = "XML markup"
SCRIPT = "a script"
WINDOWS_PROGRAM = "a Windows program"
PROGRAM = "a program"
ZIP = "a zip archive"
BINARY = "binary data"
UNDECODABLE_TEXT = "text in an unknown encoding"
MACROS = "macros"

PDF = "a PDF"
WORD = "a Word document"
EXCEL = "an Excel workbook"
POWERPOINT = "a PowerPoint presentation"
ODT = "an OpenDocument text document"
ODS = "an OpenDocument spreadsheet"
ODP = "an OpenDocument presentation"
PNG = "a PNG image"
JPEG = "a JPEG image"
TEXT = "plain text"
GIF = "a GIF image"
OLE = "an old-style Office file"


@dataclass(frozen=True)
class Kind:
    found: str  # what the bytes are, e.g. PDF
    content_type: str


# Extension -> what its content must be and the Content-Type it is served with.
ACCEPTED = {
    "pdf": Kind(PDF, "application/pdf"),
    "docx": Kind(WORD, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": Kind(EXCEL, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": Kind(
        POWERPOINT, "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
    "doc": Kind(WORD, "application/msword"),
    "xls": Kind(EXCEL, "application/vnd.ms-excel"),
    "ppt": Kind(POWERPOINT, "application/vnd.ms-powerpoint"),
    "odt": Kind(ODT, "application/vnd.oasis.opendocument.text"),
    "ods": Kind(ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": Kind(ODP, "application/vnd.oasis.opendocument.presentation"),
    "png": Kind(PNG, "image/png"),
    "jpg": Kind(JPEG, "image/jpeg"),
    "jpeg": Kind(JPEG, "image/jpeg"),
    "txt": Kind(TEXT, "text/plain"),
    "csv": Kind(TEXT, "text/csv"),
}
# Anything else is downloaded as bytes: never text/html, whatever a name says.
UNKNOWN_CONTENT_TYPE = "application/octet-stream"

SIGNATURES = [
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"MZ", WINDOWS_PROGRAM),
    (b"\x7fELF", PROGRAM),
    (b"\xcf\xfa\xed\xfe", PROGRAM),
    (b"\xfe\xed\xfa\xce", PROGRAM),
    (b"\xfe\xed\xfa\xcf", PROGRAM),
    (b"\xca\xfe\xba\xbe", PROGRAM),
    (b"#!", SCRIPT),
]
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

OOXML_FOLDERS = {"word/": WORD, "xl/": EXCEL, "ppt/": POWERPOINT}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}
OLE_STREAMS = [("WordDocument", WORD), ("Workbook", EXCEL), ("Book", EXCEL)]
OLE_POWERPOINT = "PowerPoint Document"
# Where each format keeps macros: VBA in OOXML and OLE2, Basic and scripts in OpenDocument.
OLE_MACRO_STORAGES = {"macros", "_vba_project_cur", "vba", "_vba_project"}
ODF_MACRO_FOLDERS = ("basic/", "scripts/")

MAX_ZIP_ENTRIES = 10_000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
MARKUP_OPENINGS = (
    ("<svg", SVG),
    ("<?xml", XML),
    ("<!doctype html", HTML),
    ("<html", HTML),
    ("<head", HTML),
    ("<body", HTML),
    ("<script", HTML),
    ("<!--", HTML),
)
# Tags a browser would act on wherever they appear in a file it renders.
ACTIVE_TAGS = ("<script", "<iframe", "<object", "<embed", "<svg", "<html", "<body", "<meta")
TEXT_ENCODINGS = ("utf-8-sig", "cp1252")


class Refused(Exception):
    """The content is not what it should be; carries the message and its parameters."""

    def __init__(self, message: str, code: str, **params):
        super().__init__(message)
        self.message, self.code, self.params = message, code, params


def extension_of(name: str) -> str:
    return Path(name or "").suffix.lstrip(".").lower()


def accepted_extensions() -> list[str]:
    return [e.lower() for e in settings.EVIDENCE_EXTENSIONS if e.lower() in ACCEPTED]


def content_type_for(name: str) -> str:
    """The Content-Type a stored file is served with, from the extension its content matched."""
    kind = ACCEPTED.get(extension_of(name))
    return kind.content_type if kind else UNKNOWN_CONTENT_TYPE


def validate_evidence_file(value) -> None:
    """The one rule for evidence files, the validator of `Evidence.file`: a model form runs it
    with the field, and a form or service holding an upload asks `Evidence.check_file`."""
    if getattr(value, "_committed", False):
        return  # Checked when it was uploaded; stored names carry no extension to check.
    check_file(value)


def check_file(file) -> None:
    name = Path(file.name or "").name
    extension = extension_of(name)
    if extension not in accepted_extensions():
        raise ValidationError(EVIDENCE_TYPE_REFUSED, code="evidence_type", params={"name": name})
    if file.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            EVIDENCE_TOO_LARGE,
            code="evidence_size",
            params={"limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)},
        )
    if not file.size:
        raise ValidationError(EVIDENCE_EMPTY, code="evidence_empty", params={"name": name})
    expected = ACCEPTED[extension].found
    try:
        found = identify(file, expected=expected)
    except Refused as refused:
        raise ValidationError(
            refused.message, code=refused.code, params={"name": name, **refused.params}
        ) from refused
    finally:
        file.seek(0)
    if found == MACROS:
        raise ValidationError(
            EVIDENCE_HAS_MACROS,
            code="evidence_macros",
            params={"name": name, "extension": extension},
        )
    if found != expected:
        raise ValidationError(
            EVIDENCE_CONTENT_MISMATCH,
            code="evidence_content",
            params={"name": name, "expected": expected, "found": found},
        )


def identify(file, *, expected: str) -> str:
    """What the bytes are, as one of the words above; MACROS for a macro-enabled document."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for magic, found in SIGNATURES:
        if head.startswith(magic):
            return found
    if head.startswith(ZIP_MAGIC):
        return _identify_zip(file, expected=expected)
    if head.startswith(OLE_MAGIC):
        return _identify_ole(file, expected=expected)
    return _identify_text(file.read())


def _identify_zip(file, *, expected: str) -> str:
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            _check_expansion(entries)
            names = [entry.filename for entry in entries]
            if "[Content_Types].xml" in names:
                return _identify_ooxml(archive, names)
            if "mimetype" in names:
                return _identify_odf(archive, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        raise Refused(EVIDENCE_DAMAGED, "evidence_damaged", expected=expected) from error
    except NotImplementedError as error:  # an encrypted or exotically compressed entry
        raise Refused(EVIDENCE_DAMAGED, "evidence_damaged", expected=expected) from error
    return ZIP


def _check_expansion(entries) -> None:
    limit = settings.EVIDENCE_MAX_UNCOMPRESSED_BYTES
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > limit:
        raise Refused(EVIDENCE_EXPANDS_TOO_FAR, "evidence_zip_bomb", limit=filesizeformat(limit))


def _identify_ooxml(archive: zipfile.ZipFile, names: list[str]) -> str:
    with archive.open("[Content_Types].xml") as part:
        content_types = part.read(MAX_CONTENT_TYPES_BYTES).lower()
    if b"macroenabled" in content_types or b"vbaproject" in content_types:
        return MACROS
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return MACROS
    folders = {
        found for folder, found in OOXML_FOLDERS.items() if any(n.startswith(folder) for n in names)
    }
    return folders.pop() if len(folders) == 1 else ZIP


def _identify_odf(archive: zipfile.ZipFile, names: list[str]) -> str:
    with archive.open("mimetype") as part:
        mimetype = part.read(100).strip()
    if any(name.lower().startswith(ODF_MACRO_FOLDERS) for name in names):
        return MACROS
    return ODF_MIMETYPES.get(mimetype, ZIP)


def _identify_ole(file, *, expected: str) -> str:
    try:
        with olefile.OleFileIO(file) as ole:
            entries = ole.listdir(streams=True, storages=True)
    except (OSError, ValueError, IndexError, EOFError) as error:
        raise Refused(EVIDENCE_DAMAGED, "evidence_damaged", expected=expected) from error
    if any(part.lower() in OLE_MACRO_STORAGES for entry in entries for part in entry):
        return MACROS
    top = {entry[0] for entry in entries if len(entry) == 1}
    for stream, found in OLE_STREAMS:
        if stream in top:
            return found
    if OLE_POWERPOINT in top:
        return POWERPOINT
    return OLE


def _identify_text(data: bytes) -> str:
    if b"\x00" in data:
        return BINARY
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _markup_in(text) or TEXT
    return UNDECODABLE_TEXT


def _markup_in(text: str) -> str | None:
    lowered = text.lstrip().lower()
    for opening, found in MARKUP_OPENINGS:
        if lowered.startswith(opening):
            return found
    if any(tag in lowered for tag in ACTIVE_TAGS):
        return HTML
    return None


# Request size ---------------------------------------------------------------------------------

_CUT_SHORT = "_upload_cut_short"


def upload_cut_short(request) -> bool:
    """Whether UploadLimitHandler stopped reading this request's files (the form says so)."""
    return getattr(request, _CUT_SHORT, False)


class UploadLimitHandler(FileUploadHandler):
    """Stops a multipart body that is over UPLOAD_MAX_REQUEST_BYTES before it is read whole.

    A Content-Length over the limit stops at the first file, so the fields before it (the CSRF
    token among them) still arrive and the form can say what went wrong. File bytes are also
    counted as they stream in, so a body whose declared length understates it stops too.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.too_long = content_length > settings.UPLOAD_MAX_REQUEST_BYTES
        self.received = 0

    def new_file(self, *args, **kwargs):
        if self.too_long:
            self._stop()
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_REQUEST_BYTES:
            self._stop()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _stop(self):
        if self.request is not None:
            setattr(self.request, _CUT_SHORT, True)
        raise StopUpload(connection_reset=True)
