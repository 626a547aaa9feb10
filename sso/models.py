"""A council's own identity provider (OpenID Connect), and who signed in through it.

A provider vouches only for the e-mail domains its authority owns: an ID token naming an address
outside them is refused, so one council's provider can never sign anyone in as another council's
user. Each domain belongs to one provider across the installation.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from authorities.models import Authority


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

    def clean(self):
        super().clean()
        domains = self.domains()
        if not domains:
            raise ValidationError({"email_domains": "Name at least one e-mail domain."})
        self.email_domains = "\n".join(domains)
        others = IdentityProvider.objects.exclude(pk=self.pk)
        for domain in domains:
            for other in others.filter(email_domains__icontains=domain):
                if domain in other.domains():
                    raise ValidationError(
                        {"email_domains": f"{domain} already belongs to the provider {other}."}
                    )


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
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_unique")
        ]

    def __str__(self):
        return f"{self.user} at {self.provider}"
