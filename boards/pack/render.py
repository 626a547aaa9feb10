"""Snapshot → HTML (Django template) → PDF (WeasyPrint), tagged for screen readers.

WeasyPrint would fetch any URL a document names: file://, http(s)://, even via CSS. The pack
template only ever names the app's own static files and data: URIs (charts), so the fetcher
serves exactly those and refuses everything else, whatever ends up in user text.
"""

import mimetypes
import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from boards.pack import glyphs, sections, tagging
from boards.pack.schema import upgrade

# A host that can never resolve (RFC 6761): relative URLs in the pack resolve against it, and
# the fetcher maps it onto the static files instead of any network.
PACK_ORIGIN = "https://pack.invalid"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
FETCH_REFUSED = "The board pack may only load the application's own static files."
# The reading copy leaves the full action plan to the archive copy, and says so.
APPENDIX_ELSEWHERE = "The full action plan is in the archive copy of this pack."


class FetchRefused(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves data: URIs and the app's static files; refuses every other URL.

    Keeps the URLs it was asked for in `requested`, so tests and logs can see them.
    """

    def __init__(self):
        super().__init__(allowed_protocols=("data", "https"))
        self.requested: list[str] = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self._static_path(url)
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    @staticmethod
    def _static_path(url: str) -> str:
        prefix = f"{PACK_ORIGIN}/{settings.STATIC_URL.strip('/')}/"
        parts = urlsplit(url)
        if not url.startswith(prefix) or parts.query or parts.fragment:
            raise FetchRefused(FETCH_REFUSED)
        name = unquote(url.removeprefix(prefix))
        if name != posixpath.normpath(name) or name.startswith(("/", "..")) or "\\" in name:
            raise FetchRefused(FETCH_REFUSED)
        found = finders.find(name)
        if found:
            return found
        # Hashed names ({% static %} with manifest storage) exist only after collectstatic.
        try:
            if staticfiles_storage.exists(name):
                return staticfiles_storage.path(name)
        except (ImproperlyConfigured, NotImplementedError):
            pass
        raise FetchRefused(FETCH_REFUSED)


@dataclass(frozen=True)
class RenderedPack:
    pdf: bytes
    pages: int


def pack_context(
    stored: dict, *, draft: bool = False, version: int | None = None, appendix: bool = False
) -> dict:
    """What the template reads, from a snapshot of any version the pack was issued in.

    `appendix` makes the archive copy, with the full action plan; without it, the reading copy.
    """
    snapshot = upgrade(stored)
    return {
        "snapshot": snapshot,
        "plan": snapshot["plan"],
        "board": snapshot["board"],
        "meeting": snapshot["meeting"],
        "meeting_date": sections.as_date(snapshot["meeting"]["held_on"])
        if snapshot["meeting"]
        else None,
        "version": version,
        "draft": draft,
        "marking": settings.PROTECTIVE_MARKING,
        "rag_key": sections.RAG_KEY,
        "with_appendix": appendix,
        "appendix_elsewhere": APPENDIX_ELSEWHERE,
        **sections.build(snapshot),
    }


def render_html(
    snapshot: dict, *, draft: bool = False, version: int | None = None, appendix: bool = False
) -> str:
    return render_to_string(
        "boards/pack/pack.html",
        pack_context(snapshot, draft=draft, version=version, appendix=appendix),
    )


def render_pdf(html: str, *, fetcher: URLFetcher | None = None) -> RenderedPack:
    fetcher = fetcher or StaticOnlyFetcher()
    document = HTML(
        string=glyphs.printable(html), base_url=f"{PACK_ORIGIN}/", url_fetcher=fetcher
    ).render(**PDF_OPTIONS)
    pdf = document.write_pdf(finisher=tagging.finish, **PDF_OPTIONS)
    return RenderedPack(pdf=pdf, pages=len(document.pages))
