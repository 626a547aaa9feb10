"""Private files: stored under names nobody can guess, sent only by views that checked who asks.

/media/ is never routed. A download view asks the same permission functions the pages ask, then
calls private_file_response, which streams the file itself or, behind nginx or Apache, hands the
sending to the proxy (X-Accel-Redirect / X-Sendfile) from a location the proxy keeps internal.
See docs/files.md.
"""

import uuid
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

FILE_MISSING = "The file is no longer stored."


@deconstructible
class PrivateName:
    """upload_to for private files: a random name under `folder`, nothing of the uploader's."""

    def __init__(self, folder: str, suffix: str = ""):
        self.folder = folder.rstrip("/")
        self.suffix = suffix

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{uuid.uuid4().hex}{self.suffix}"

    def __eq__(self, other):
        return isinstance(other, PrivateName) and (self.folder, self.suffix) == (
            other.folder,
            other.suffix,
        )

    def __hash__(self):
        return hash((self.folder, self.suffix))


def private_file_response(file: FieldFile, *, filename: str, content_type: str):
    """The response for a file the caller has already decided this user may have."""
    if not file:
        raise Http404(FILE_MISSING)
    if settings.PRIVATE_FILES_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        prefix = settings.PRIVATE_FILES_ACCEL_REDIRECT.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(file.name)}"
    elif settings.PRIVATE_FILES_SENDFILE:
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = file.path
    else:
        try:
            opened = file.open("rb")
        except FileNotFoundError as missing:
            raise Http404(FILE_MISSING) from missing
        response = FileResponse(opened, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A file that is a page of its own (a PDF, an image) must still not run or be framed.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
