"""Password reset is offered only where e-mail is configured, sends a real message, and never
says it sent one it could not."""

import re
import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config.mail import CONSOLE_BACKEND, SMTP_BACKEND, email_settings
from improvement.accounts import RESET_NOT_SENT

RESET_URLS = [
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MQ/set-password/",
    "/accounts/reset/done/",
]
NEW = "a new and much longer passphrase 42"


class Mailbox:
    """An SMTP server's handler that keeps what arrives, or refuses every sender."""

    def __init__(self, *, refuse_senders: bool = False):
        self.messages = []
        self.refuse_senders = refuse_senders

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_senders:
            return "550 5.7.1 Sender refused by policy"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_CONFIGURED = True
    settings.DEFAULT_FROM_EMAIL = "tracker@council.example"


def smtp_server(settings, handler):
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(settings, controller.port)
    return controller


@pytest.fixture
def mailbox(settings):
    handler = Mailbox()
    controller = smtp_server(settings, handler)
    yield handler
    controller.stop()


@pytest.fixture
def refusing_server(settings):
    controller = smtp_server(settings, Mailbox(refuse_senders=True))
    yield
    controller.stop()


@pytest.fixture
def closed_port(settings):
    use_smtp(settings, free_port())


def ask_for_reset(client, email):
    return client.post("/accounts/password_reset/", {"email": email})


def test_without_e_mail_the_reset_pages_do_not_exist_and_sign_in_offers_no_link(client, settings):
    settings.EMAIL_CONFIGURED = False

    for url in RESET_URLS:
        assert client.get(url).status_code == 404, url
    assert client.post(RESET_URLS[0], {"email": "officer@council.example"}).status_code == 404
    assert "/accounts/password_reset/" not in client.get("/accounts/login/").content.decode()


def test_with_e_mail_the_sign_in_page_offers_the_reset(client, settings, db):
    settings.EMAIL_CONFIGURED = True

    page = client.get("/accounts/login/").content.decode()

    assert 'href="/accounts/password_reset/"' in page
    assert client.get("/accounts/password_reset/").status_code == 200


def test_an_officer_resets_their_password_through_a_real_mail_server(
    client, officer, mailbox, caplog
):
    response = ask_for_reset(client, "officer@council.example")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    [(recipients, message)] = mailbox.messages
    assert recipients == ["officer@council.example"]
    assert message["From"] == "tracker@council.example"
    assert message["Subject"] == "Reset your Improvement Tracker password"
    body = message.get_payload(decode=True).decode()
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", body).group(1)

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    assert done["Location"] == "/accounts/reset/done/"
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    # The link works once.
    assert "This link does not work" in client.get(link, follow=True).content.decode()


def test_an_address_with_no_account_gets_the_same_answer_and_no_message(client, officer, mailbox):
    known = ask_for_reset(client, "officer@council.example")
    unknown = ask_for_reset(Client(), "nobody@council.example")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [to for to, _ in mailbox.messages] == [["officer@council.example"]]


@pytest.mark.parametrize("server", ["closed_port", "refusing_server"])
@pytest.mark.parametrize("email", ["officer@council.example", "nobody@council.example"])
def test_a_message_that_could_not_be_sent_is_an_error_on_the_form(
    client, officer, server, email, request, caplog
):
    request.getfixturevalue(server)

    response = ask_for_reset(client, email)

    page = response.content.decode()
    assert response.status_code == 200
    assert RESET_NOT_SENT in page
    assert "There is a problem" in page
    assert "Check your email" not in page
    assert any(
        r.name == "improvement.accounts" and "not sent" in r.getMessage() for r in caplog.records
    )


SMTP = {"EMAIL_BACKEND": SMTP_BACKEND, "EMAIL_CONFIGURED": True, "EMAIL_TIMEOUT": 10}


@pytest.mark.parametrize(
    ("environ", "debug", "expected"),
    [
        ({}, False, {"EMAIL_CONFIGURED": False}),
        ({}, True, {"EMAIL_BACKEND": CONSOLE_BACKEND, "EMAIL_CONFIGURED": True}),
        ({"EMAIL_URL": "console://"}, False, {"EMAIL_BACKEND": CONSOLE_BACKEND}),
        (
            {"EMAIL_URL": "smtp://mailer:p%40ss@mail.council.example:2525"},
            True,
            {
                **SMTP,
                "EMAIL_HOST": "mail.council.example",
                "EMAIL_PORT": 2525,
                "EMAIL_HOST_USER": "mailer",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": False,
                "EMAIL_USE_SSL": False,
            },
        ),
        (
            {"EMAIL_URL": "smtp+tls://relay.example", "DEFAULT_FROM_EMAIL": "it@c.example"},
            False,
            {"EMAIL_PORT": 587, "EMAIL_USE_TLS": True, "DEFAULT_FROM_EMAIL": "it@c.example"},
        ),
        (
            {"EMAIL_URL": "smtp+ssl://relay.example"},
            False,
            {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True},
        ),
        (
            {
                "EMAIL_HOST": "relay.example",
                "EMAIL_PORT": "2587",
                "EMAIL_USE_TLS": "1",
                "EMAIL_HOST_USER": "u",
                "EMAIL_HOST_PASSWORD": "p",
            },
            True,
            {
                **SMTP,
                "EMAIL_HOST": "relay.example",
                "EMAIL_PORT": 2587,
                "EMAIL_USE_TLS": True,
                "EMAIL_HOST_USER": "u",
                "EMAIL_HOST_PASSWORD": "p",
            },
        ),
        ({"EMAIL_HOST": "relay.example"}, False, {"EMAIL_PORT": 25, "EMAIL_USE_TLS": False}),
    ],
)
def test_e_mail_settings_come_from_the_environment_and_a_mail_server_always_wins(
    environ, debug, expected
):
    found = email_settings(environ, debug=debug)

    assert found | expected == found


@pytest.mark.parametrize(
    "environ",
    [
        {"EMAIL_URL": "imap://mail.example"},
        {"EMAIL_URL": "smtp://"},
        {"EMAIL_URL": "smtp://mail.example:port"},
        {"EMAIL_HOST": "mail.example", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
        {"EMAIL_HOST": "mail.example", "EMAIL_PORT": "twenty-five"},
    ],
)
def test_a_mistyped_e_mail_setting_stops_the_start(environ):
    with pytest.raises(ImproperlyConfigured):
        email_settings(environ, debug=False)
