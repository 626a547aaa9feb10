"""Who a council's provider has signed in: their account here, found or made.

Found by the provider's subject first (an e-mail address may change, the subject does not);
else by e-mail, when exactly one active account has it, which is then linked; else made, with no
role, so they see nothing until someone gives them one. The e-mail must be verified and in one
of the provider's own domains, so a council's provider can only sign in that council's people.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sso import refusals
from sso.models import Identity, IdentityProvider
from sso.refusals import Refused

_TRUE = {True, "true", "True", "1"}


@dataclass(frozen=True)
class Person:
    subject: str
    email: str
    email_verified: bool
    given_name: str
    family_name: str


def person_from_claims(claims: dict) -> Person:
    """Microsoft Entra ID sends no `email_verified`. Its optional claim `xms_edov` (e-mail domain
    owner verified) says the tenant owns the address's domain: we count that, and only that, as
    verified. An `email` claim with neither is not believed, whatever its domain: an Entra tenant
    lets its users' e-mail attribute be set to an unverified address (docs/sign-in.md)."""
    verified = claims.get("email_verified")
    if verified is None:
        verified = claims.get("xms_edov")
    return Person(
        subject=str(claims.get("sub", "")),
        email=str(claims.get("email") or "").strip(),
        email_verified=verified in _TRUE,
        given_name=str(claims.get("given_name") or "")[:150],
        family_name=str(claims.get("family_name") or "")[:150],
    )


def _check_email(provider: IdentityProvider, person: Person) -> None:
    if not person.email or "@" not in person.email:
        raise Refused(refusals.NO_EMAIL, f"{provider}: no e-mail claim for {person.subject}")
    if not person.email_verified:
        raise Refused(
            refusals.EMAIL_UNVERIFIED % {"email": person.email},
            f"{provider}: e-mail {person.email} not verified",
        )
    if not provider.vouches_for(person.email):
        raise Refused(
            refusals.OUTSIDE_DOMAINS % {"email": person.email, "provider": provider},
            f"{provider}: {person.email} is outside its domains {provider.domains()}",
        )


def _account_by_email(provider: IdentityProvider, person: Person):
    User = get_user_model()
    same_address = User._default_manager.filter(email__iexact=person.email)
    active = list(same_address.filter(is_active=True)[:2])
    if len(active) > 1:
        raise Refused(
            refusals.AMBIGUOUS % {"email": person.email},
            f"{provider}: several active accounts have {person.email}",
        )
    if active:
        return active[0]
    if same_address.exists():
        raise Refused(refusals.INACTIVE, f"{provider}: the account of {person.email} is inactive")
    return None


def _new_account(provider: IdentityProvider, person: Person):
    User = get_user_model()
    username = person.email.lower()
    if User._default_manager.filter(username__iexact=username).exists():
        raise Refused(
            refusals.USERNAME_TAKEN % {"email": person.email},
            f"{provider}: username {username} is taken by an account with another e-mail",
        )
    user = User(
        username=username,
        email=person.email,
        first_name=person.given_name,
        last_name=person.family_name,
    )
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        raise Refused(
            refusals.NO_EMAIL, f"{provider}: cannot make an account from {person}: {error}"
        ) from error
    user.save()
    return user


def _check_may_sign_in(provider: IdentityProvider, user) -> None:
    if not user.is_active:
        raise Refused(refusals.INACTIVE, f"{provider}: {user} is inactive")
    # An installation administrator holds every council's data; no one council's provider may
    # vouch for them (and so skip the site's second factor).
    if user.is_superuser:
        raise Refused(refusals.INSTALLATION_ADMIN, f"{provider}: {user} is a superuser")


@transaction.atomic
def sign_in_person(*, provider: IdentityProvider, claims: dict):
    """The account the provider's verified claims name, linked to its identity there."""
    person = person_from_claims(claims)
    _check_email(provider, person)
    identity = (
        Identity.objects.select_related("user")
        .select_for_update()
        .filter(provider=provider, subject=person.subject)
        .first()
    )
    if identity is None:
        user = _account_by_email(provider, person) or _new_account(provider, person)
        _check_may_sign_in(provider, user)
        if user.identities.filter(provider=provider).exists():
            raise Refused(
                refusals.LINKED_ELSEWHERE % {"provider": provider},
                f"{provider}: {user} is linked to another subject than {person.subject}",
            )
        try:
            with transaction.atomic():
                identity = Identity.objects.create(
                    provider=provider, subject=person.subject, user=user
                )
        except IntegrityError as error:  # the same person signing in twice at once
            raise Refused(refusals.FLOW_LOST, f"{provider}: {error}", status=400) from error
    user = identity.user
    _check_may_sign_in(provider, user)
    if user.email != person.email:  # the provider vouches for the address it now gives
        user.email = person.email
        user.save(update_fields=["email"])
    identity.last_signed_in_at = timezone.now()
    identity.save(update_fields=["last_signed_in_at"])
    return user
