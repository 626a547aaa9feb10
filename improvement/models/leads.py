"""Leads: the people and posts that lead, own and co-lead a plan's work, and the rule that
a lead serves one authority."""

import re

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from authorities.models import Authority
from improvement.querysets import LeadQuerySet

LEAD_OF_OTHER_AUTHORITY = '"%(lead)s" is a lead of %(lead_authority)s, not of %(authority)s.'
LEAD_NAME_TAKEN = "This authority already has a lead of this name."


def normalise_name(name: str) -> str:
    """The key two spellings of one lead share: case, spacing and punctuation do not matter
    ("HEAD OF SAFEGUARDING" is "Head of Safeguarding", "Children's" is "Childrens", "&" is
    "and")."""
    text = re.sub(r"[\u2018\u2019'.]", "", name or "")
    text = re.sub(r"\s*&\s*", " and ", text)
    text = re.sub(r"[\u2013\u2014\-,:;/()]", " ", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def lead_authority_errors(*, authority_id, leads) -> list[ValidationError]:
    """One error per lead that is not of the given authority: a post of one council never leads,
    owns or co-leads anything of another's plan."""
    errors = []
    for lead in leads:
        if lead is not None and lead.authority_id != authority_id:
            errors.append(
                ValidationError(
                    LEAD_OF_OTHER_AUTHORITY,
                    code="lead_of_other_authority",
                    params={
                        "lead": lead.name,
                        "lead_authority": lead.authority,
                        "authority": Authority.objects.get(pk=authority_id),
                    },
                )
            )
    return errors


def related(instance, name: str):
    """The related object, or None while it is unset (an inline's parent not yet saved is set)."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def check_lead_of(*, authority_id, field: str, leads) -> None:
    if authority_id is not None and (
        errors := lead_authority_errors(authority_id=authority_id, leads=leads)
    ):
        raise ValidationError({field: errors})


class Lead(models.Model):
    """A person or a post that leads actions; officers sign in as users linked to leads."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="leads")
    name = models.CharField(max_length=200, help_text='A person or a role, e.g. "Head of HR".')
    name_key = models.CharField(max_length=200, editable=False)
    organisation = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="leads")

    objects = LeadQuerySet.as_manager()
    # A pack names each lead as it was called at the pack's date.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            # A council's posts carry across its successive plans; another council's post of the
            # same name is another lead.
            models.UniqueConstraint(
                fields=["authority", "name_key"],
                name="lead_name_unique_in_authority",
                violation_error_message=LEAD_NAME_TAKEN,
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalise_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.name_key = normalise_name(self.name)
        # Forms leave the non-editable name_key out of constraint checks, so check it here.
        same = Lead.objects.filter(authority_id=self.authority_id, name_key=self.name_key)
        if self.authority_id is not None and same.exclude(pk=self.pk).exists():
            raise ValidationError({"name": LEAD_NAME_TAKEN}, code="lead_name_taken")
