"""What a reference may be: it names a recommendation or an action in the site's addresses
(`/plans/<slug>/actions/<reference>/`), so it is a short run of letters, digits, dots and hyphens.

Wirral's are a period code or a block prefix, a hyphen and the number as printed ("SEP16-4",
"JAN17-22", "LSCB-1.1"); recommendations are "1".."19" and "SB1".
"""

import re

from django.core.validators import RegexValidator

REFERENCE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9.\-]{0,29}"
REFERENCE_REFUSED = (
    "A reference is letters, digits, dots and hyphens, at most 30, starting with a letter or "
    'digit (for example "SEP16-4" or "1.1-a").'
)

validate_reference = RegexValidator(
    rf"\A{REFERENCE_PATTERN}\Z", message=REFERENCE_REFUSED, code="reference"
)

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9.\-]+")


def url_safe_reference(text: str) -> str:
    """A printed number as a reference: "1.1 (a)" → "1.1-a", "4/5" → "4-5"."""
    return _NOT_ALLOWED.sub("-", text).strip(".-")[:30].rstrip(".-")
