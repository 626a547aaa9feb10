"""Inspections belong to an authority: one Authority per distinct authority text, and titles
unique within an authority rather than across the installation.

Backwards, the text comes back from the authority's name; a title two authorities share gets the
authority's name appended so the old installation-wide unique title holds again.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils.text import slugify

UNASSIGNED = "Unassigned"


def authority_named(Authority, text):
    name = (text or "").strip() or UNASSIGNED
    found = Authority.objects.filter(name=name).first()
    if found:
        return found
    base = slugify(name)[:55] or "authority"
    slug, n = base, 1
    while Authority.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Authority.objects.create(name=name, slug=slug)


def constraints_now(schema_editor):
    # PostgreSQL defers foreign key checks to the end of the transaction; the ALTER TABLE that
    # follows this step refuses to run while any are pending, so check them here.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def forward(apps, schema_editor):
    Authority = apps.get_model("authorities", "Authority")
    Inspection = apps.get_model("inspections", "Inspection")
    for inspection in Inspection.objects.order_by("pk"):
        inspection.authority = authority_named(Authority, inspection.authority_name)
        inspection.save(update_fields=["authority"])
    constraints_now(schema_editor)


def backward(apps, schema_editor):
    Inspection = apps.get_model("inspections", "Inspection")
    seen = set()
    for inspection in Inspection.objects.select_related("authority").order_by("pk"):
        inspection.authority_name = inspection.authority.name
        if inspection.title in seen:
            inspection.title = f"{inspection.title} ({inspection.authority.name})"[:200]
        seen.add(inspection.title)
        inspection.save(update_fields=["authority_name", "title"])
    constraints_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0001_initial"),
        ("inspections", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("inspection", "authority", "authority_name"),
        migrations.AlterField(
            "inspection", "authority_name", models.CharField(max_length=120, null=True)
        ),
        migrations.AlterField(
            "inspection",
            "title",
            models.CharField(help_text="As the report names it.", max_length=200),
        ),
        migrations.AddField(
            "inspection",
            "authority",
            models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="inspections",
                to="authorities.authority",
            ),
        ),
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            "inspection",
            "authority",
            models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="inspections",
                to="authorities.authority",
            ),
        ),
        migrations.RemoveField("inspection", "authority_name"),
        migrations.AddConstraint(
            "inspection",
            models.UniqueConstraint(
                fields=("authority", "title"),
                name="inspection_title_unique_in_authority",
                violation_error_message="This authority already has an inspection with this title.",
            ),
        ),
    ]
