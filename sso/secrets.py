"""Client secrets typed in the admin, kept encrypted (Fernet: AES with an HMAC).

The key is derived with HKDF from the setting SSO_SECRET_KEY (the environment variable of that
name), or from SECRET_KEY when it is not set. Changing whichever is in use makes every stored
secret unreadable: they must then be typed in again (docs/sign-in.md). A secret that cannot be
read is a refused sign-in that says so, never a crash.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Keeps this key apart from anything else derived from the same secret.
_PURPOSE = b"improvement-tracker sso client secrets"


class SecretUnavailable(Exception):
    pass


def _fernet() -> Fernet:
    master = getattr(settings, "SSO_SECRET_KEY", "") or settings.SECRET_KEY
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        master.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnavailable(
            "the stored client secret cannot be read with this server's key "
            "(SSO_SECRET_KEY or SECRET_KEY changed): type it in again"
        ) from error
