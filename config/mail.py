"""Outgoing e-mail settings from the environment: EMAIL_URL, or Django's usual EMAIL_* names.

The result says whether e-mail is configured at all: password reset is offered only then, since a
reset link that can never arrive leaves a locked-out officer waiting for nothing.
"""

from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A mail server that stops answering must not hold a sign-in worker for Django's default (none).
EMAIL_TIMEOUT = 10

# scheme -> (use TLS, use SSL, default port)
_SMTP_SCHEMES = {
    "smtp": (False, False, 25),
    "smtp+tls": (True, False, 587),
    "smtp+ssl": (False, True, 465),
}
_TRUE = {"1", "true", "yes", "on"}


def _flag(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() in _TRUE


def _smtp(*, host, port, user, password, use_tls, use_ssl) -> dict:
    if use_tls and use_ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": host,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": user,
        "EMAIL_HOST_PASSWORD": password,
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": EMAIL_TIMEOUT,
        "EMAIL_CONFIGURED": True,
    }


def _from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE_BACKEND, "EMAIL_CONFIGURED": True}
    if parts.scheme not in _SMTP_SCHEMES:
        raise ImproperlyConfigured(
            "EMAIL_URL must start smtp://, smtp+tls://, smtp+ssl:// or console://."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no mail server host.")
    use_tls, use_ssl, default_port = _SMTP_SCHEMES[parts.scheme]
    # smtp://host:587?tls=1 says the same as smtp+tls://host:587, as other tools write it.
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    use_tls = use_tls or _flag(query, "tls")
    use_ssl = use_ssl or _flag(query, "ssl")
    if parts.scheme == "smtp" and (use_tls or use_ssl):
        default_port = 465 if use_ssl else 587
    try:
        port = parts.port or default_port
    except ValueError as error:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from error
    return _smtp(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
    )


def _from_names(environ: Mapping[str, str]) -> dict:
    use_ssl = _flag(environ, "EMAIL_USE_SSL")
    port = environ.get("EMAIL_PORT", "").strip() or ("465" if use_ssl else "25")
    if not port.isdigit():
        raise ImproperlyConfigured("EMAIL_PORT must be a number.")
    return _smtp(
        host=environ["EMAIL_HOST"].strip(),
        port=int(port),
        user=environ.get("EMAIL_HOST_USER", ""),
        password=environ.get("EMAIL_HOST_PASSWORD", ""),
        use_tls=_flag(environ, "EMAIL_USE_TLS"),
        use_ssl=use_ssl,
    )


def email_settings(environ: Mapping[str, str], *, debug: bool) -> dict:
    """A mail server named in the environment always wins; DEBUG alone prints to the console."""
    url = environ.get("EMAIL_URL", "").strip()
    if url:
        found = _from_url(url)
    elif environ.get("EMAIL_HOST", "").strip():
        found = _from_names(environ)
    elif debug:
        found = {"EMAIL_BACKEND": CONSOLE_BACKEND, "EMAIL_CONFIGURED": True}
    else:
        found = {"EMAIL_CONFIGURED": False}
    from_email = environ.get("DEFAULT_FROM_EMAIL", "").strip()
    if from_email:
        found["DEFAULT_FROM_EMAIL"] = from_email
    return found
