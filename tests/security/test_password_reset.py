"""Password reset is offered only where e-mail is configured, sends a real message, and never
says it sent one it could not."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config.mail import CONSOLE_BACKEND, SMTP_BACKEND, email_settings
from improvement.accounts import RESET_NOT_SENT
from tests.mailbox import Mailbox, free_port, smtp_server, use_smtp

RESET_URLS = [
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MQ/set-password/",
    "/accounts/reset/done/",
]
NEW = "a new and much longer passphrase 42"


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


def test_without_e_mail_the_reset_pages_do_not_exist_and_sign_in_offers_no_link(
    client, settings, db
):
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
    client, officer, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = ask_for_reset(client, "officer@council.example")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    # Written and sent by the worker's task once the request committed, never in the request.
    assert len(sent) == 1
    [arrived] = mailbox.arrived
    assert arrived.recipients == ["officer@council.example"]
    assert arrived.message["From"] == "tracker@council.example"
    assert arrived.subject == "Reset your Improvement Tracker password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", arrived.text).group(1)
    assert f'href="http://testserver{link}"' in arrived.html
    assert "Improvement Tracker" in arrived.html

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    assert done["Location"] == "/accounts/reset/done/"
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    # The link works once.
    assert "This link does not work" in client.get(link, follow=True).content.decode()


def test_the_page_after_asking_says_the_message_is_on_its_way_not_that_it_arrived(
    client, officer, mailbox
):
    page = client.get(ask_for_reset(client, "officer@council.example")["Location"])

    assert "is on its way" in page.content.decode()
    assert "we have sent" not in page.content.decode()


def test_an_address_with_no_account_gets_the_same_answer_and_no_message(
    client, officer, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask_for_reset(client, "officer@council.example")
        unknown = ask_for_reset(Client(), "nobody@council.example")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [each.recipients for each in mailbox.arrived] == [["officer@council.example"]]


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
            {"EMAIL_URL": "smtp://relay.example?tls=1"},
            False,
            {"EMAIL_PORT": 587, "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False},
        ),
        (
            {"EMAIL_URL": "smtp://relay.example:2465?ssl=true"},
            False,
            {"EMAIL_PORT": 2465, "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": True},
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
        {"EMAIL_URL": "smtp://mail.example?tls=1&ssl=1"},
        {"EMAIL_HOST": "mail.example", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
        {"EMAIL_HOST": "mail.example", "EMAIL_PORT": "twenty-five"},
    ],
)
def test_a_mistyped_e_mail_setting_stops_the_start(environ):
    with pytest.raises(ImproperlyConfigured):
        email_settings(environ, debug=False)
