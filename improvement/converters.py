"""URL parts for plan pages: only what a real slug or reference can be, so a malformed one is a
404 from the resolver and never reaches a query (a NUL byte made PostgreSQL raise)."""

from django.urls import register_converter

# The models refuse any other reference (inspections/references.py), so every stored one has a URL.
from inspections.references import REFERENCE_PATTERN

PLAN_SLUG_PATTERN = r"[-a-zA-Z0-9_]{1,60}"


class _Text:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ReferenceConverter(_Text):
    """An action's or recommendation's reference, as long as Action.reference may be."""

    regex = REFERENCE_PATTERN


class PlanSlugConverter(_Text):
    """A plan's slug, as long as Plan.slug may be."""

    regex = PLAN_SLUG_PATTERN


class InvitationTokenConverter(_Text):
    """An invitation link's token: secrets.token_urlsafe's alphabet, with room to spare."""

    regex = r"[-a-zA-Z0-9_]{1,100}"


register_converter(ReferenceConverter, "reference")
register_converter(InvitationTokenConverter, "invitation_token")
register_converter(PlanSlugConverter, "plan")
