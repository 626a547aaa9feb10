"""Give the rows that gained history one first historical row each, so packs for dates before
this migration still find their themes, objectives, leads, plan roles and evidence.

The first row is dated when the plan's own history began (its earliest action or risk history),
since that is as far back as any pack can read; evidence is dated when it was uploaded. Links
between actions and recommendations or co-leads need nothing: a link with no change row reads as
there since its action began.
"""

from django.db import migrations
from django.db.models import Min
from django.utils import timezone

BEGAN = "history began"


def _first_rows(apps, name: str, when) -> None:
    model = apps.get_model("improvement", name)
    history = apps.get_model("improvement", f"Historical{name}")
    have = set(history.objects.values_list("id", flat=True).distinct())
    fields = [f.attname for f in model._meta.concrete_fields]
    history.objects.bulk_create(
        [
            history(
                **row,
                history_date=when(row),
                history_type="+",
                history_change_reason=BEGAN,
            )
            for row in model.objects.values(*fields)
            if row["id"] not in have
        ],
        batch_size=500,
    )


def _plan_history_began(apps) -> dict[int, object]:
    began: dict[int, object] = {}
    for name in ("HistoricalAction", "HistoricalRisk"):
        rows = apps.get_model("improvement", name).objects.values("plan_id")
        for plan_id, first in rows.annotate(first=Min("history_date")).values_list(
            "plan_id", "first"
        ):
            began[plan_id] = min(first, began.get(plan_id, first))
    return began


def forward(apps, schema_editor):
    now = timezone.now()
    began = _plan_history_began(apps)
    plans = apps.get_model("improvement", "Plan").objects
    authority_of = dict(plans.values_list("pk", "authority_id"))
    authority_began: dict[int, object] = {}
    for plan_id, first in began.items():
        authority = authority_of[plan_id]
        authority_began[authority] = min(first, authority_began.get(authority, first))

    def of_plan(row):
        return began.get(row["plan_id"], now)

    _first_rows(apps, "Theme", of_plan)
    _first_rows(apps, "Objective", of_plan)
    _first_rows(apps, "PlanRole", of_plan)
    _first_rows(apps, "Lead", lambda row: authority_began.get(row["authority_id"], now))
    _first_rows(apps, "Evidence", lambda row: row["uploaded_at"])


class Migration(migrations.Migration):
    dependencies = [("improvement", "0009_history_of_what_packs_read")]

    # Backwards there is nothing to undo here: reversing 0009 drops the history tables.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
