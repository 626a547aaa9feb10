# The five fixed yes/no criteria become answers in Action.criteria, keyed by the standard
# criteria every existing plan is given, so a plan can later name its own. History rows are
# copied too: packs derive a past RAG from them.

import improvement.criteria
from django.db import migrations, models

# Frozen here: the columns as they were and the keys of the standard criteria at this migration.
COLUMN_KEYS = {
    "scope_clear": "scope",
    "resources_known": "resources-identified",
    "resources_allocated": "resources-allocated",
    "has_project_plan": "project-plan",
    "timescale_realistic": "pace",
}
BATCH = 500
MODELS = ("Action", "HistoricalAction")


def _rewrite(model, rows, *, change, fields):
    """Change the rows in batches of a few hundred; the rows are listed first, as SQLite must not
    be written while a cursor over the same table is open."""
    pks = list(rows.values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = list(model.objects.filter(pk__in=pks[start : start + BATCH]))
        changed = [row for row in batch if change(row)]
        model.objects.bulk_update(changed, fields)


def _to_answers(row) -> bool:
    # Not assessed (null) is left out: a missing answer reads as not assessed.
    row.criteria = {
        key: getattr(row, column)
        for column, key in COLUMN_KEYS.items()
        if getattr(row, column) is not None
    }
    return True


def _to_columns(row) -> bool:
    criteria = row.criteria if isinstance(row.criteria, dict) else {}
    held = {column: criteria.get(key) for column, key in COLUMN_KEYS.items()}
    for column, value in held.items():
        setattr(row, column, value if isinstance(value, bool) else None)
    return any(isinstance(value, bool) for value in held.values())


def columns_to_answers(apps, schema_editor):
    answered = models.Q()
    for column in COLUMN_KEYS:
        answered |= models.Q(**{f"{column}__isnull": False})
    for name in MODELS:
        model = apps.get_model("improvement", name)
        _rewrite(model, model.objects.filter(answered), change=_to_answers, fields=["criteria"])


def answers_to_columns(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("improvement", name)
        _rewrite(model, model.objects.all(), change=_to_columns, fields=list(COLUMN_KEYS))


class Migration(migrations.Migration):

    dependencies = [
        ('improvement', '0005_references_fit_addresses'),
    ]

    operations = [
        migrations.AddField(
            model_name='action',
            name='arose_from_inspection',
            field=models.BooleanField(default=False, verbose_name='arising from the latest inspection'),
        ),
        migrations.AddField(
            model_name='historicalaction',
            name='arose_from_inspection',
            field=models.BooleanField(default=False, verbose_name='arising from the latest inspection'),
        ),
        migrations.AddField(
            model_name='action',
            name='criteria',
            field=models.JSONField(blank=True, default=dict, validators=[improvement.criteria.validate_assessments]),
        ),
        migrations.AddField(
            model_name='historicalaction',
            name='criteria',
            field=models.JSONField(blank=True, default=dict, validators=[improvement.criteria.validate_assessments]),
        ),
        migrations.AddField(
            model_name='plan',
            name='criteria',
            field=models.JSONField(default=improvement.criteria.standard_criteria, error_messages={'blank': 'A plan needs at least one criterion to rate its actions by.'}, validators=[improvement.criteria.validate_criteria]),
        ),
        migrations.AlterField(
            model_name='plan',
            name='rag_rule',
            field=models.CharField(choices=[('dates', 'Dates: overdue is red, due soon and not started is amber'), ('criteria', "Criteria: the plan's readiness criteria (scope, resources, project plan, pace)")], default='dates', max_length=10),
        ),
        migrations.RunPython(columns_to_answers, answers_to_columns),
        migrations.RemoveField(
            model_name='action',
            name='has_project_plan',
        ),
        migrations.RemoveField(
            model_name='action',
            name='resources_allocated',
        ),
        migrations.RemoveField(
            model_name='action',
            name='resources_known',
        ),
        migrations.RemoveField(
            model_name='action',
            name='scope_clear',
        ),
        migrations.RemoveField(
            model_name='action',
            name='timescale_realistic',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='has_project_plan',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='resources_allocated',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='resources_known',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='scope_clear',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='timescale_realistic',
        ),
    ]
