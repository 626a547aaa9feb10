"""The demo plan's illustrative past: what officers might have done since the plan began.

Nothing here is Wirral's: the updates, due-date revisions, sign-offs, measure values and
targets, and risk scores after controls are invented, deterministically (the same day gives the
same history), and every commentary says it is illustrative. Progress goes through the public
services in improvement/services.py with the time passed in; where a service cannot take the
time (the action's history row), the row it wrote is dated afterwards. The months are issued as
board packs, so each pack shows what moved since the one before.
"""

import calendar
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from boards import services as pack_services
from boards.models import Pack, PackIsFinal
from improvement import services
from improvement.models import (
    DONE_STATUSES,
    Action,
    Lead,
    Measure,
    MeasureValue,
    Plan,
    PlanRole,
    Rag,
    Risk,
    Status,
)

ILLUSTRATIVE = "Illustrative: "
DONE = tuple(DONE_STATUSES)
OFFICERS = 4  # the posts leading the most open actions each get an officer
UPDATES_PER_OFFICER = 4  # actions each officer updates in a month
IN_HAND_AHEAD = datetime.timedelta(days=120)
MONTHLY_PACKS = 3  # packs after the baseline
IMPROVEMENT_LEAD_USERNAME = "illustrative.improvement.lead"
# Each action follows one of these RAG paths, a step a month (the last step repeats).
RAG_PATHS = (
    (Rag.AMBER, Rag.GREEN),
    (Rag.RED, Rag.AMBER, Rag.GREEN),
    (Rag.GREEN, Rag.AMBER, Rag.GREEN),
    (Rag.AMBER, Rag.RED, Rag.AMBER),
)
WHAT_HAPPENED = {
    Rag.GREEN: "on track; this month's work is done and the service manager has checked it.",
    Rag.AMBER: "some slippage; a recovery plan is agreed with the service manager.",
    Rag.RED: "behind plan; vacancies in the team mean the work has not started as planned.",
}
DUE_REASON = "Illustrative: the work depends on the new case management system going live."
IMPACT_EVIDENCE = "Illustrative: a case audit of 20 files shows the change in practice."
SIGNED_OFF = "Illustrative: impact evidence checked at the improvement lead's monthly review."


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def month_ends(first: datetime.date, today: datetime.date) -> list[datetime.date]:
    """The last day of each month from `first`'s month, ending before today."""
    ends, year, month = [], first.year, first.month
    while True:
        end = datetime.date(year, month, calendar.monthrange(year, month)[1])
        if end >= today:
            return ends
        ends.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def load_history(plan: Plan, *, today: datetime.date) -> None:
    officers = _officers(plan, today=today)
    lead_user = _account(IMPROVEMENT_LEAD_USERNAME)
    PlanRole.objects.get_or_create(plan=plan, user=lead_user, role=PlanRole.Role.IMPROVEMENT_LEAD)
    began = plan.starts_on
    _measures(plan, began=began, today=today)
    for month, end in enumerate(month_ends(began, today)):
        start = end.replace(day=1) if month else began
        for n, (lead, user) in enumerate(officers):
            _officer_month(lead, user, month=month, day=start + datetime.timedelta(days=10 + n))
            _sign_off_one(lead, user, lead_user, day=start + datetime.timedelta(days=20 + n))
        _risks_move(plan, month=month, day=end - datetime.timedelta(days=3))


def _account(username: str):
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        # Authors of the illustrative history, not logins: no password can sign in as them.
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _in_hand(day: datetime.date, prefix: str = "") -> Q:
    """Open, dated actions an officer is working on by `day`: their period has begun (LSCB
    actions have none), or they fall due within the next few months."""
    return (
        Q(**{f"{prefix}due_on__isnull": False})
        & ~Q(**{f"{prefix}status__in": (*DONE, Status.AWAITING_SIGN_OFF)})
        & (
            Q(**{f"{prefix}period__isnull": True})
            | Q(**{f"{prefix}period__starts_on__lte": day})
            | Q(**{f"{prefix}due_on__lte": day + IN_HAND_AHEAD})
        )
    )


def _officers(plan: Plan, *, today: datetime.date) -> list[tuple[Lead, object]]:
    in_hand = Count("actions", filter=Q(actions__plan=plan) & _in_hand(today, "actions__"))
    leads = (
        Lead.objects.filter(authority=plan.authority)
        .annotate(in_hand=in_hand)
        .order_by("-in_hand", "name")[:OFFICERS]
    )
    officers = []
    for n, lead in enumerate(leads, start=1):
        user = _account(f"illustrative.officer.{n}")
        lead.users.add(user)
        officers.append((lead, user))
    return officers


def _open_actions(lead: Lead, day: datetime.date) -> list[Action]:
    return list(
        Action.objects.filter(_in_hand(day), lead=lead)
        .select_related("plan")
        .order_by("due_on", "reference")[:UPDATES_PER_OFFICER]
    )


def _officer_month(lead: Lead, user, *, month: int, day: datetime.date) -> None:
    for k, action in enumerate(_open_actions(lead, day)):
        path = RAG_PATHS[(action.pk + k) % len(RAG_PATHS)]
        rag = path[min(month, len(path) - 1)]
        revise = action.due_on < day and k == 0
        update = services.update_action(
            action=action,
            by=user,
            expected_version=action.version,
            progress_rag=rag,
            status=Status.IN_PROGRESS,
            commentary=ILLUSTRATIVE + WHAT_HAPPENED[rag],
            due_on=action.due_on + datetime.timedelta(days=91) if revise else action.due_on,
            due_reason=DUE_REASON if revise else "",
            at=at(day, 10),
        )
        _date_history(update)


def _sign_off_one(lead: Lead, officer, lead_user, *, day: datetime.date) -> None:
    """The lead's green action due soonest is done: asked for, and signed off two days on."""
    action = (
        Action.objects.filter(_in_hand(day), lead=lead, progress_rag=Rag.GREEN)
        .select_related("plan")
        .order_by("due_on", "reference")
        .first()
    )
    if action is None:
        return
    asked = services.request_sign_off(
        action=action,
        by=officer,
        expected_version=action.version,
        impact_evidence=IMPACT_EVIDENCE,
        commentary=ILLUSTRATIVE + "complete; asking for sign-off.",
        at=at(day, 11),
    )
    _date_history(asked)
    signed = services.sign_off(
        action=action,
        by=lead_user,
        expected_version=action.version,
        commentary=SIGNED_OFF,
        at=at(day + datetime.timedelta(days=2), 15),
    )
    _date_history(signed)


def _date_history(update) -> None:
    """The service dated the action's history row now; it belongs to the update's time."""
    if update is not None:
        Action.history.filter(id=update.action_id, version=update.action_version).update(
            history_date=update.at
        )


def _risks_move(plan: Plan, *, month: int, day: datetime.date) -> None:
    """Each month two or three risks are re-scored after controls: most fall as controls bite,
    now and then one rises."""
    risks = list(Risk.objects.filter(plan=plan).order_by("order", "reference"))
    for n, risk in enumerate(risks):
        if (n + month) % 3:
            continue
        rises = (n + month) % 7 == 0
        likelihood = risk.residual_likelihood or risk.likelihood
        risk.residual_likelihood = min(5, likelihood + 1) if rises else max(1, likelihood - 1)
        risk.residual_impact = risk.residual_impact or risk.impact
        risk.reviewed_on = day
        risk._history_date = at(day, 12)
        risk._change_reason = "Illustrative review of the risk after controls"
        risk.save()


# Which way is better for a measure, read from its name; most of Wirral's are counts.
LOWER_IS_BETTER = ("repeat", "agency", "sickness", "turnover", "vacancy", "caseload", "length")
PERCENT = ("rate", "timescales", "visits", "repeat", "agency", "sickness", "turnover", "vacancy")


def quarter_ends(today: datetime.date, count: int = 4) -> list[datetime.date]:
    """The last `count` quarter ends before today, oldest first."""
    ends, year, month = [], today.year, today.month
    while len(ends) < count:
        month -= (month - 1) % 3 + 1  # back to the last month of the previous quarter
        if month <= 0:
            year, month = year - 1, month + 12
        ends.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
    return ends[::-1]


def _measures(plan: Plan, *, began: datetime.date, today: datetime.date) -> None:
    """A target for every measure and a value for each of the last four quarters, moving from
    a baseline towards the target; a quarter's figure is recorded a fortnight after it ends."""
    quarters = quarter_ends(today)
    values = []
    for n, measure in enumerate(Measure.objects.filter(plan=plan).order_by("order", "name")):
        name = measure.name.casefold()
        lower = any(word in name for word in LOWER_IS_BETTER)
        percent = any(word in name for word in PERCENT)
        baseline = Decimal(30 + (n * 7) % 40 if percent else 120 + (n * 37) % 300)
        step = (baseline / 10).quantize(Decimal("1"))
        measure.unit = "%" if percent else "children"
        measure.direction = Measure.Direction.LOWER if lower else Measure.Direction.HIGHER
        measure.target = baseline - 4 * step if lower else baseline + 4 * step
        measure._history_date = at(began, 9) + datetime.timedelta(minutes=1)
        measure._change_reason = "Illustrative target"
        measure.save()
        for q, period_ending in enumerate(quarters):
            moved = step * (q + n % 2)
            value = MeasureValue(
                measure=measure,
                period_ending=period_ending,
                value=baseline - moved if lower else baseline + moved,
                note="Illustrative figure",
            )
            recorded = min(period_ending + datetime.timedelta(days=14), today)
            value._history_date = min(max(at(recorded, 9), at(began, 9)), timezone.now())
            values.append(value)
    bulk_create_with_history(values, MeasureValue, batch_size=500)


def pack_dates(plan: Plan, *, today: datetime.date) -> list[datetime.date]:
    """The first pack is as at the day the plan began, then one at each month's end; only the
    latest few are kept, since each pack costs seconds of PDF layout. The first is the
    baseline the others are compared with."""
    return [plan.starts_on, *month_ends(plan.starts_on, today)][-(MONTHLY_PACKS + 1) :]


def issue_monthly_packs(plan: Plan, board, *, today: datetime.date) -> list[Pack]:
    """Each pack of pack_dates() not yet issued is issued now, in date order, so each shows
    what moved since the one before."""
    lead_user = get_user_model().objects.get(username=IMPROVEMENT_LEAD_USERNAME)
    issued = set(
        Pack.objects.filter(plan=plan, board=board, status=Pack.PackStatus.ISSUED).values_list(
            "as_at", flat=True
        )
    )
    packs = []
    for as_at in pack_dates(plan, today=today):
        if as_at in issued:
            continue
        pack = pack_services.issue_pack(plan=plan, board=board, as_at=as_at, by=lead_user)
        pack.refresh_from_db()
        # Built on commit by the immediate backend; inside a caller's transaction (or with a
        # worker backend) it is still building, so it is built here, in order.
        if pack.status == Pack.PackStatus.BUILDING:
            try:
                pack = pack_services.build_pack(pack_id=pack.pk)
            except PackIsFinal:  # a worker issued it meanwhile
                pack.refresh_from_db()
        packs.append(pack)
    return packs
