"""The council: the owner every plan, lead, inspection and board belongs to.

One installation may serve several councils, and nothing may cross from one to another, so every
floor above names its authority and scopes its reads by it.
"""

from django.db import models
from django.utils.text import slugify

UNASSIGNED = "Unassigned"


class AuthorityQuerySet(models.QuerySet):
    def named(self, name_or_slug: str):
        """The authority a person typed: its name in any case, or its slug."""
        text = (name_or_slug or "").strip()
        return self.filter(models.Q(name__iexact=text) | models.Q(slug=slugify(text))).first()


class Authority(models.Model):
    name = models.CharField(
        max_length=120, unique=True, help_text='As the council prints it: "Wirral Council".'
    )
    slug = models.SlugField(max_length=60, unique=True)

    objects = AuthorityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "authorities"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:60]
        super().save(*args, **kwargs)
