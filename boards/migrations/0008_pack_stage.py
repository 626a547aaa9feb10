from django.db import migrations, models

STAGES = [
    ("queued", "Waiting for the worker"),
    ("snapshot", "Reading the plan as at the date"),
    ("render", "Laying out the PDF"),
    ("stored", "Stored"),
]


def queue_unissued(apps, schema_editor):
    # Issued packs took "stored" as the column was added (no UPDATE, so the PostgreSQL trigger
    # that keeps issued packs final is not asked). The others are waiting to be (re)built.
    Pack = apps.get_model("boards", "Pack")
    Pack.objects.exclude(status="issued").update(stage="queued")


class Migration(migrations.Migration):

    dependencies = [
        ("boards", "0007_pack_archive_copy"),
    ]

    operations = [
        migrations.AddField(
            model_name="pack",
            name="stage",
            field=models.CharField(choices=STAGES, default="stored", max_length=10),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="pack",
            name="stage",
            field=models.CharField(choices=STAGES, default="queued", max_length=10),
        ),
        migrations.RunPython(queue_unissued, migrations.RunPython.noop),
    ]
