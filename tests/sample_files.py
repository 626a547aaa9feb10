"""Real files built by the tools that make them (openpyxl, python-docx, Pillow, WeasyPrint), and
hostile ones built by hand, for the upload checks."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("Audit of supervision records, March 2017.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docm_wearing_docx() -> bytes:
    """A macro-enabled Word file renamed .docx: its zip still holds the VBA project."""
    source = zipfile.ZipFile(io.BytesIO(docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml",
                    b"vnd.ms-word.document.macroEnabled.main+xml",
                )
            archive.writestr(item, data)
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 vba")
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Month", "Visits in timescale"])
    workbook.active.append(["March", 0.87])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _image(kind: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(out, kind)
    return out.getvalue()


def png() -> bytes:
    return _image("PNG")


def jpeg() -> bytes:
    return _image("JPEG")


def weasyprint_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Quality assurance report</p>").write_pdf()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", b"<manifest:manifest/>")
    return out.getvalue()


def zip_bomb(size: int) -> bytes:
    """A zip whose one entry expands to `size` bytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"\x00" * size)
    return out.getvalue()
