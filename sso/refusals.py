"""Why a single sign-on did not sign someone in, in the words they see.

Each refusal carries the message for the page, the status it is answered with, and the reason
for the log (which may name more than the page does). The page never shows a traceback.
"""

from dataclasses import dataclass

ENTER_EMAIL = "Enter your work e-mail address, like name@council.gov.uk."
NO_PROVIDER = "No council sign-in is set up for %(domain)s: sign in with your password."
FLOW_LOST = (
    "Your council sign-in could not be finished: it was started in another window or browser, "
    "or too long ago. Start again."
)
PROVIDER_SAID_NO = (
    "Your council's sign-in did not sign you in. Try again, or ask your council's IT service desk."
)
PROVIDER_UNAVAILABLE = (
    "Your council's sign-in service did not answer as expected. Try again in a few minutes; if "
    "it goes on, ask an administrator."
)
TOKEN_REFUSED = (
    "Your council's sign-in sent an answer this site cannot accept, so you are not signed in. "
    "Try again; if it happens again, ask an administrator."
)
NO_EMAIL = (
    "Your council account did not give this site your e-mail address, so you are not signed "
    "in. Ask an administrator."
)
EMAIL_UNVERIFIED = (
    "Your council account's e-mail address %(email)s is not verified, so you are not signed in."
)
OUTSIDE_DOMAINS = (
    "%(email)s is not an address that %(provider)s signs in, so you are not signed in. "
    "Sign in with your password."
)
INACTIVE = "This account is no longer active, so you are not signed in. Ask an administrator."
AMBIGUOUS = (
    "More than one account has the e-mail address %(email)s, so you are not signed in. "
    "Ask an administrator."
)
USERNAME_TAKEN = (
    "An account named %(email)s already exists with another e-mail address, so you are not "
    "signed in. Ask an administrator."
)
LINKED_ELSEWHERE = (
    "Your account is already linked to another %(provider)s account, so you are not signed in. "
    "Ask an administrator."
)
INSTALLATION_ADMIN = (
    "An installation administrator's account signs in with its password, not through a council."
)


@dataclass
class Refused(Exception):
    message: str
    reason: str
    status: int = 403

    def __str__(self):
        return self.reason
