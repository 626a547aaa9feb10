"""How the admin shows what the site shows: RAG as the site's labelled tag, long text shortened."""

from django import forms
from django.db import models
from django.utils.html import format_html

from improvement.models import Rag

SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}
ADMIN_MEDIA_CSS = {"all": ["css/tracker.css", "css/admin.css"]}


def rag_tag(value: str) -> str:
    """The site's RAG tag: the word is always printed, colour is never the only signal."""
    value = value or Rag.NOT_RATED
    return format_html(
        '<strong class="govuk-tag tracker-rag tracker-rag--{}">{}</strong>',
        value,
        Rag(value).label if value in Rag.values else value,
    )


def shorten(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
