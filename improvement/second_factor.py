"""Two factors: who must use a code from an authenticator app, and the writes that set one up.

A password account of an improvement lead or an administrator must; anyone else may. A session
signed in through the council's own identity provider is never asked: the provider's own second
factor applies (docs/sign-in.md, "Two factors").
"""

import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from improvement.models import PlanRole
from sso.sessions import SIGNED_IN_WITH_PROVIDER

# Where single sign-on marks a session it signed in; a session without the key (every password
# sign-in) is simply not an SSO session.
SSO_SESSION_KEY = SIGNED_IN_WITH_PROVIDER
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def needs_second_factor(user) -> bool:
    """Required: a password account that is staff, a superuser or any plan's improvement lead."""
    if not user.is_authenticated or not user.has_usable_password():
        return False
    if user.is_staff or user.is_superuser:
        return True
    return PlanRole.objects.filter(user=user, role=PlanRole.Role.IMPROVEMENT_LEAD).exists()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def signed_in_through_provider(session) -> bool:
    return bool(session.get(SSO_SESSION_KEY))


def new_app_key() -> str:
    """A fresh TOTP secret, hex as django-otp stores it; kept in the session until confirmed."""
    return default_key()


def typed_key(key: str) -> str:
    """The secret as an authenticator app asks for it: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def app_uri(*, user, key: str) -> str:
    return TOTPDevice(user=user, key=key, name=APP_DEVICE_NAME).config_url


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code: no script, no image fetched from anywhere."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, title="QR code for the key")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for the key" ', 1)


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def key_accepts(key: str, code: str) -> int | None:
    """The time step at which `code` is right for `key` (within one step either way), else None."""
    code = _normalised(code)
    if not code.isdigit():
        return None
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), tolerance=1) else None


@transaction.atomic
def turn_on(*, user, key: str, code: str) -> list[str] | None:
    """Confirms the app that shows `code` for `key`: its device replaces any earlier one and ten
    new recovery codes replace any earlier ones. None, and nothing written, if the code is wrong."""
    step = key_accepts(key, code)
    if step is None:
        return None
    TOTPDevice.objects.filter(user=user).delete()
    # last_t is the step just used, so the code that confirmed the app cannot also sign in.
    TOTPDevice.objects.create(user=user, key=key, name=APP_DEVICE_NAME, confirmed=True, last_t=step)
    return new_recovery_codes(user=user)


@transaction.atomic
def new_recovery_codes(*, user) -> list[str]:
    """Ten single-use codes, shown once; every earlier code stops working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def turn_off(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def is_throttled(device) -> bool:
    """django-otp's own back-off after a wrong code: 1, 2, 4, 8... seconds before the next try."""
    return device is not None and not device.verify_is_allowed()[0]


def check_app_code(*, user, code: str) -> TOTPDevice | None:
    """The user's app device if `code` is its current code (django-otp throttles, and refuses a
    code already used), else None."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and device.verify_token(_normalised(code)):
            return device
    return None


def use_recovery_code(*, user, code: str) -> StaticDevice | None:
    """The recovery device if `code` is one of its unused codes; the code is used up."""
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and device.verify_token(_normalised(code)):
            return device
    return None
