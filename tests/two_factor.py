"""An authenticator app for tests: a confirmed TOTP device with a key the test knows, and the
code the app would show now, computed as any app computes it (RFC 6238)."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def give_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_for_key(hex_key: str, *, steps_from_now: int = 0) -> str:
    totp = TOTP(bytes.fromhex(hex_key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps_from_now
    return f"{totp.token():06d}"


def current_step() -> int:
    return int(time.time()) // 30


def app_code(device: TOTPDevice, *, steps_from_now: int = 0) -> str:
    return code_for_key(device.key, steps_from_now=steps_from_now)


def key_from_typed(typed: str) -> str:
    """The hex key behind the base32 key the set-up page shows for typing into an app."""
    from base64 import b32decode

    text = "".join(typed.split())
    return b32decode(text + "=" * (-len(text) % 8)).hex()
