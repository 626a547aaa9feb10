"""Every write to a measure's values: one atomic function each, the permission asked once.

A measure's owner (or an improvement lead) records a value per period with a note; a period
already recorded is refused with what was recorded, never overwritten: a correction says so.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from improvement.models import Measure, MeasureValue
from improvement.permissions import can_record_measure

NOT_ALLOWED = "Only the measure's owner or an improvement lead can record its values."
PERIOD_RECORDED = (
    "A value of %(value)s is already recorded for the period ending %(period)s. To correct it, "
    "tick the box to replace it and say why in the note."
)
CORRECTION_NEEDS_NOTE = "Say why the recorded value is being corrected."


@transaction.atomic
def record_measure_value(
    *,
    measure: Measure,
    by,
    period_ending: datetime.date,
    value: Decimal,
    note: str = "",
    label: str = "",
    correcting: bool = False,
) -> MeasureValue:
    if not can_record_measure(by, measure):
        raise PermissionDenied(NOT_ALLOWED)
    Measure.objects.select_for_update().get(pk=measure.pk)
    existing = measure.values.filter(period_ending=period_ending).first()
    if existing is not None and not correcting:
        raise ValidationError(
            {
                "period_ending": ValidationError(
                    PERIOD_RECORDED,
                    params={"value": existing.value, "period": f"{period_ending:%d/%m/%Y}"},
                )
            }
        )
    if existing is not None and not note.strip():
        raise ValidationError({"note": CORRECTION_NEEDS_NOTE})
    row = existing or MeasureValue(measure=measure, period_ending=period_ending)
    row.value = value
    row.note = note.strip()
    row.label = label.strip() or f"{period_ending:%b %Y}"
    row.recorded_by = by
    row.full_clean(exclude=["measure", "recorded_by"], validate_unique=False)
    row._history_user = by
    row._change_reason = "corrected" if existing is not None else "recorded"
    row.save()
    return row
