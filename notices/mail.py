"""Every e-mail the site sends: a plain-text part and an HTML part, rendered from templates."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import loader


def absolute(path: str) -> str:
    """A site path as a link that works from a mail client (settings.SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + path


def send(*, to: str, subject: str, template: str, context: dict) -> None:
    """`template` names a pair: `<template>.txt` and `<template>.html`. Raises if not sent."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    text = loader.render_to_string(f"{template}.txt", context)
    html = loader.render_to_string(f"{template}.html", context)
    # A header must be one line, whatever a template or a plan's title holds.
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(subject, text, None, [to])
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
