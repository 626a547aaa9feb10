"""A council's own identity provider (OpenID Connect), and who signed in through it.

A provider vouches only for the e-mail domains its authority owns: an ID token naming an address
outside them is refused, so one council's provider can never sign anyone in as another council's
user. Each domain belongs to one provider across the installation.
"""

import os
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from authorities.models import Authority
from sso import secrets

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
NO_SECRET = "Give the client secret, or the name of the environment variable that holds it."
BOTH_SECRETS = "Give the client secret or an environment variable, not both."
BAD_ENV_NAME = "An environment variable's name has only letters, digits and underscores."
ISSUER_NOT_HTTPS = "The issuer starts with https:// (only a provider on this machine may use http)."
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def domain_of(email: str) -> str:
    return (email or "").rpartition("@")[2].strip().lower()


def parse_domains(text: str) -> list[str]:
    """The domains an admin typed, one per line or comma-separated, lower-cased, no "@"."""
    parts = (part.strip().lower().lstrip("@") for part in (text or "").replace(",", "\n").split())
    return sorted({part for part in parts if part})


class IdentityProviderQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(enabled=True)

    def for_email(self, email: str):
        """The enabled provider vouching for this address's domain, or None."""
        domain = domain_of(email)
        if not domain:
            return None
        for provider in self.enabled().filter(email_domains__icontains=domain):
            if domain in provider.domains():
                return provider
        return None


class IdentityProvider(models.Model):
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="identity_providers"
    )
    name = models.CharField(
        max_length=120, help_text='Shown on the sign-in button: "Wirral Council account".'
    )
    issuer = models.URLField(
        help_text="The provider's issuer, as its discovery document gives it "
        '(Entra ID: "https://login.microsoftonline.com/<tenant id>/v2.0").'
    )
    client_id = models.CharField(max_length=200, help_text="The application (client) id.")
    # The secret is either read from the server's environment at each sign-in, or typed in the
    # admin and kept here encrypted (sso.secrets); it is never shown again either way.
    client_secret_env = models.CharField(
        "client secret's environment variable",
        max_length=100,
        blank=True,
        help_text="The name of an environment variable on the server holding the client secret "
        '("WIRRAL_SSO_SECRET"), instead of typing the secret here.',
    )
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    email_domains = models.TextField(
        help_text="The e-mail domains this provider vouches for, one per line: "
        '"wirral.gov.uk". Only addresses in them may sign in through it.'
    )
    enabled = models.BooleanField(default=True)

    objects = IdentityProviderQuerySet.as_manager()

    class Meta:
        ordering = ["authority", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="identity_provider_unique")
        ]

    def __str__(self):
        return self.name

    def domains(self) -> list[str]:
        return parse_domains(self.email_domains)

    def vouches_for(self, email: str) -> bool:
        return domain_of(email) in self.domains()

    @property
    def has_stored_secret(self) -> bool:
        return bool(self.client_secret_encrypted)

    def store_secret(self, secret: str) -> None:
        self.client_secret_encrypted = secrets.encrypt(secret)

    def client_secret(self) -> str:
        """The secret as the token endpoint needs it; raises secrets.SecretUnavailable."""
        if self.client_secret_env:
            value = os.environ.get(self.client_secret_env, "")
            if not value:
                raise secrets.SecretUnavailable(
                    f"the environment variable {self.client_secret_env} is not set"
                )
            return value
        if not self.client_secret_encrypted:
            raise secrets.SecretUnavailable("no client secret is set")
        return secrets.decrypt(self.client_secret_encrypted)

    def clean(self):
        super().clean()
        domains = self.domains()
        if not domains:
            raise ValidationError({"email_domains": "Name at least one e-mail domain."})
        self.email_domains = "\n".join(domains)
        issuer = urlsplit(self.issuer or "")
        if issuer.scheme != "https" and issuer.hostname not in _LOOPBACK:
            raise ValidationError({"issuer": ISSUER_NOT_HTTPS})
        self._clean_secret()
        others = IdentityProvider.objects.exclude(pk=self.pk)
        for domain in domains:
            for other in others.filter(email_domains__icontains=domain):
                if domain in other.domains():
                    raise ValidationError(
                        {"email_domains": f"{domain} already belongs to the provider {other}."}
                    )

    def _clean_secret(self):
        if self.client_secret_env and not ENV_NAME.match(self.client_secret_env):
            raise ValidationError({"client_secret_env": BAD_ENV_NAME})
        if self.client_secret_env and self.client_secret_encrypted:
            raise ValidationError({"client_secret_env": BOTH_SECRETS})
        if not self.client_secret_env and not self.client_secret_encrypted:
            raise ValidationError({"client_secret_env": NO_SECRET})


class Identity(models.Model):
    """A user as one provider knows them: its subject (`sub`) is what a returning user is found
    by, never the e-mail address, which a person may change."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="identities"
    )
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_unique"),
            # One subject per person per provider: a second would be a second person.
            models.UniqueConstraint(fields=["provider", "user"], name="identity_one_per_user"),
        ]

    def __str__(self):
        return f"{self.user} at {self.provider}"
