"""Placing the demo in time: every stored date moves by the same whole number of years.

The workbooks are imported as Wirral wrote them (due "31/12/2016" stays the due text, and is
parsed as 31 December 2016); then every date the tracker stores — periods, the plan's span, due
dates, risk review dates, the meeting — moves on by `years`, chosen from today so that the plan's
periods straddle today. Text stays as the council wrote it. The import's own history rows move
too, and are dated the day the plan began: the plan's recorded history begins then.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from improvement.models import (
    Action,
    Lead,
    LinkChange,
    Measure,
    Milestone,
    Objective,
    Period,
    Plan,
    PlanRole,
    ProgressUpdate,
    Risk,
    Theme,
)
from inspections.models import Recommendation

# The import's history rows are dated at this hour of the plan's first day.
RECORDED_AT = datetime.time(9)


@dataclass(frozen=True)
class Shift:
    years: int

    @classmethod
    def to_straddle(cls, *, starts_on, ends_on, today: datetime.date) -> "Shift":
        """The fewest years that bring the plan's end to today or later: today then falls as
        late in the plan as it can, so the plan has as much past as possible."""
        years = today.year - ends_on.year
        if _add_years(ends_on, years) < today:
            years += 1
        return cls(years)

    def date(self, day: datetime.date | None) -> datetime.date | None:
        return _add_years(day, self.years) if day else None

    def recorded_at(self, day: datetime.date) -> datetime.datetime:
        """When something of `day` was recorded: that day, or now if the day is still to come."""
        at = timezone.make_aware(datetime.datetime.combine(day, RECORDED_AT))
        return min(at, timezone.now())


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year that has none
        return day.replace(year=day.year + years, day=28)


# The date fields each model stores, in its table and in its history table alike.
SHIFTED_FIELDS = {
    Period: ("starts_on", "ends_on"),
    Action: ("due_on", "first_due_on", "completed_on"),
    Risk: ("raised_on", "reviewed_on"),
    Milestone: ("due_on", "done_on"),
}


def shift_published_dates(plan: Plan, shift: Shift) -> None:
    """Move the plan's stored dates by `shift` and date the import's history rows to the day the
    plan began, so a pack as at any day since reads the plan as imported."""
    plan.starts_on, plan.ends_on = shift.date(plan.starts_on), shift.date(plan.ends_on)
    plan.save(update_fields=["starts_on", "ends_on"])
    querysets = {
        Period: Period.objects.filter(plan=plan),
        Action: Action.objects.filter(plan=plan),
        Risk: Risk.objects.filter(plan=plan),
        Milestone: Milestone.objects.filter(action__plan=plan),
    }
    for model, fields in SHIFTED_FIELDS.items():
        rows = list(querysets[model].only(*fields))
        for row in rows:
            for name in fields:
                setattr(row, name, shift.date(getattr(row, name)))
        model.objects.bulk_update(rows, fields, batch_size=500)
    began = shift.recorded_at(plan.starts_on)
    _shift_history(Action, Action.history.filter(plan_id=plan.pk), shift, began)
    _shift_history(Risk, Risk.history.filter(plan_id=plan.pk), shift, began)
    Measure.history.filter(plan_id=plan.pk).update(history_date=began)
    inspections = plan.inspections.values_list("pk", flat=True)
    Recommendation.history.filter(inspection_id__in=list(inspections)).update(history_date=began)
    # What else a pack reads as it stood: the plan's structure, its leads, its links, and the
    # import's own "added" progress updates, all recorded the day the plan began.
    for model in (Theme, Objective, PlanRole):
        model.history.filter(plan_id=plan.pk).update(history_date=began)
    Lead.history.filter(authority_id=plan.authority_id).update(history_date=began)
    LinkChange.objects.filter(action__plan=plan).update(at=began)
    ProgressUpdate.objects.filter(action__plan=plan).update(at=began)


def _shift_history(model, history, shift: Shift, began: datetime.datetime) -> None:
    fields = SHIFTED_FIELDS[model]
    rows = list(history.only("history_id", *fields))
    for row in rows:
        row.history_date = began
        for name in fields:
            setattr(row, name, shift.date(getattr(row, name)))
    history.model.objects.bulk_update(rows, ["history_date", *fields], batch_size=500)
