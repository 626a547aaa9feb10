"""A real SMTP server on loopback (aiosmtpd) for tests, and what arrived at it."""

import socket
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from config.mail import SMTP_BACKEND


@dataclass(frozen=True)
class Arrived:
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


class Mailbox:
    """An SMTP server's handler that keeps what arrives, or refuses every sender."""

    def __init__(self, *, refuse_senders: bool = False):
        self.arrived: list[Arrived] = []
        self.refuse_senders = refuse_senders

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_senders:
            return "550 5.7.1 Sender refused by policy"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.arrived.append(Arrived(list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    @property
    def messages(self):
        return [(each.recipients, each.message) for each in self.arrived]

    def to(self, address: str) -> list[Arrived]:
        return [each for each in self.arrived if address in each.recipients]

    def recipients(self) -> list[str]:
        return sorted(address for each in self.arrived for address in each.recipients)


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
    settings.SITE_URL = "https://tracker.council.example"


def smtp_server(settings, handler) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(settings, controller.port)
    return controller
