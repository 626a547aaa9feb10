import re

from django.db import migrations


def _key(name: str) -> str:
    # A copy of improvement.models.normalise_name as of this migration: migrations keep their
    # own, so a later change to the rule does not rewrite history.
    text = re.sub(r"[\u2018\u2019'.]", "", name or "")
    text = re.sub(r"\s*&\s*", " and ", text)
    text = re.sub(r"[\u2013\u2014\-,:;/()]", " ", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def rekey_leads(apps, schema_editor):
    """Each lead's key under the new rule. Two leads of one council the new rule would call
    one person both keep a key: the later keeps its old key, so nothing merges unasked."""
    Lead = apps.get_model("improvement", "Lead")
    leads = list(Lead.objects.order_by("pk"))
    taken: set[tuple[int, str]] = set()
    wanted = {}
    for lead in leads:
        key = _key(lead.name)
        if (lead.authority_id, key) in taken:
            key = lead.name_key
        taken.add((lead.authority_id, key))
        wanted[lead.pk] = key
    changed = [lead for lead in leads if wanted[lead.pk] != lead.name_key]
    # Through keys no name can have, so no two leads hold one key midway.
    for lead in changed:
        Lead.objects.filter(pk=lead.pk).update(name_key=f"#{lead.pk}")
    for lead in changed:
        Lead.objects.filter(pk=lead.pk).update(name_key=wanted[lead.pk])


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0007_plan_remembers_sheet_layouts"),
    ]

    operations = [
        migrations.RunPython(rekey_leads, migrations.RunPython.noop),
    ]
