"""E-mail settings as a started site reads them from its environment (manage.py in a subprocess):
SMTP whenever a mail server is named, the console with DEBUG and none, nothing otherwise."""

import json

import pytest

from tests.test_settings import manage

SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n) for n"
    " in ['EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD',"
    " 'EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'DEFAULT_FROM_EMAIL', 'EMAIL_CONFIGURED', 'SITE_URL']}))"
)
SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-" + "x7Qz" * 10,
    "ALLOWED_HOSTS": "tracker.council.example",
}
UNSET = {
    name: ""
    for name in (
        "EMAIL_URL",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
        "DEFAULT_FROM_EMAIL",
        "SITE_URL",
    )
}


def settings_with(**env) -> dict:
    result = manage("shell", "-c", SHOW, **{**UNSET, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param(
            PRODUCTION,
            {"EMAIL_CONFIGURED": False, "SITE_URL": "https://tracker.council.example"},
            id="production with no mail server: no e-mail, no reset offered",
        ),
        pytest.param(
            {**PRODUCTION, "EMAIL_URL": "smtp://mailer:s%40cret@relay.council.example:587?tls=1"},
            {
                "EMAIL_BACKEND": SMTP,
                "EMAIL_HOST": "relay.council.example",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "mailer",
                "EMAIL_HOST_PASSWORD": "s@cret",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
                "EMAIL_CONFIGURED": True,
            },
            id="production with EMAIL_URL: SMTP",
        ),
        pytest.param(
            {
                **PRODUCTION,
                "EMAIL_HOST": "relay.council.example",
                "EMAIL_USE_SSL": "1",
                "EMAIL_HOST_USER": "u",
                "EMAIL_HOST_PASSWORD": "p",
                "DEFAULT_FROM_EMAIL": "Improvement Tracker <tracker@council.example>",
            },
            {
                "EMAIL_BACKEND": SMTP,
                "EMAIL_PORT": 465,
                "EMAIL_USE_SSL": True,
                "EMAIL_HOST_USER": "u",
                "EMAIL_HOST_PASSWORD": "p",
                "DEFAULT_FROM_EMAIL": "Improvement Tracker <tracker@council.example>",
            },
            id="production with EMAIL_HOST and friends: SMTP over SSL, the sender given",
        ),
        pytest.param(
            {"DEBUG": "1"},
            {"EMAIL_BACKEND": CONSOLE, "EMAIL_CONFIGURED": True},
            id="DEBUG with no mail server: the console",
        ),
        pytest.param(
            {"DEBUG": "1", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": "1025"},
            {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 1025},
            id="DEBUG with EMAIL_HOST: the mail server wins",
        ),
        pytest.param(
            {"DEBUG": "1", "EMAIL_URL": "smtp://127.0.0.1:1025"},
            {"EMAIL_BACKEND": SMTP, "EMAIL_PORT": 1025, "EMAIL_USE_TLS": False},
            id="DEBUG with EMAIL_URL: the mail server wins",
        ),
    ],
)
def test_a_started_site_reads_its_e_mail_settings_from_the_environment(env, expected):
    found = settings_with(**env)

    assert found | expected == found


def test_a_mistyped_email_url_stops_the_start():
    result = manage("check", DEBUG="1", EMAIL_URL="smtps://relay.council.example")

    assert result.returncode != 0
    assert "EMAIL_URL must start" in result.stderr
