"""Reminders: who is reminded of what, and the one digest a day each is sent.

Each user linked to a lead (Lead.users), or delegated an action, is reminded of their open
actions that need it (`Action.objects.needing_reminder`) and of the risks they own that are due
for review (`Risk.objects.needing_reminder`), only in live plans and only within their lead's
own council. What was sent is a ReminderDigest row; with one row per user per day, running the
command again the same day sends nothing. Users who turned reminders off in their notification
settings get none; without a mail server nobody does (a digest is an e-mail).
"""

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from improvement.models import Action, Plan, ReminderDigest, Risk
from improvement.reminders import REVIEW_DUE, reminder_reasons, why
from notices import mail
from notices.models import Kind
from notices.services import wants_email

DIGEST_SUBJECT = "Your improvement plan reminders: %(count)s to look at"
PRE_BOARD_SUBJECT = "Before the board's cut-off: %(count)s of yours to update"
COPY_SUBJECT = "Copy: reminders sent to %(who)s before the %(plan)s pack cut-off"


@dataclass(frozen=True)
class Line:
    plan: int
    plan_title: str
    kind: str  # "action" or "risk"
    reference: str
    text: str
    why: str
    link: str  # a site path: the action's or risk's update page


def _action_line(action, *, on: datetime.date) -> Line:
    last = timezone.localdate(action.last_update_at) if action.last_update_at else None
    reasons = reminder_reasons(
        status=action.status, due_on=action.due_on, last_update_on=last, today=on
    )
    return Line(
        plan=action.plan_id,
        plan_title=action.plan.title,
        kind="action",
        reference=action.reference,
        text=Truncator(action.text).chars(300),
        why="; ".join(why(reason, due=action.due_on) for reason in reasons),
        link=reverse(
            "improvement:action_update",
            kwargs={"slug": action.plan.slug, "reference": action.reference},
        ),
    )


def _risk_line(risk) -> Line:
    return Line(
        plan=risk.plan_id,
        plan_title=risk.plan.title,
        kind="risk",
        reference=risk.reference,
        text=Truncator(risk.description).chars(300),
        why=why(REVIEW_DUE, last=risk.last_review_on),
        link=reverse(
            "improvement:risk_update", kwargs={"slug": risk.plan.slug, "reference": risk.reference}
        ),
    )


def lines_for(user, *, on: datetime.date, plans: Iterable[Plan] | None = None) -> list[Line]:
    """What the user is reminded of on the day, plan by plan, actions before risks."""
    live = {"plan__status": Plan.PlanStatus.LIVE}
    if plans is not None:
        live["plan__in"] = list(plans)
    actions = (
        Action.objects.for_user(user)
        .filter(**live)
        .needing_reminder(on=on)
        .with_latest_update()
        .select_related("plan")
        .order_by("plan__title", "due_on", "reference")
    )
    risks = (
        Risk.objects.owned_by(user)
        .filter(**live)
        .needing_reminder(on=on)
        .select_related("plan")
        .order_by("plan__title", "order", "reference")
    )
    lines = [_action_line(action, on=on) for action in actions]
    lines += [_risk_line(risk) for risk in risks]
    # Stable: within a plan, actions by due date as read, then risks in the register's order.
    return sorted(lines, key=lambda line: (line.plan_title, line.kind))


def people_to_remind(*, plan: Plan | None = None):
    """Active users who lead (through a lead) or are delegated work; of one plan's council
    only when a plan is given. Whether each has anything today is `lines_for`'s to say."""
    users = get_user_model().objects.filter(is_active=True)
    if plan is None:
        users = users.filter(Q(leads__isnull=False) | Q(delegated_actions__isnull=False))
    else:
        users = users.filter(
            Q(leads__authority_id=plan.authority_id) | Q(delegated_actions__plan=plan)
        )
    return users.distinct().order_by("pk")


def _may_remind(user) -> bool:
    return wants_email(user, Kind.REMINDER)


def send_digest(
    *,
    user,
    on: datetime.date,
    occasion: str = ReminderDigest.Occasion.REGULAR,
    cutoff: str = "",
    plans: Iterable[Plan] | None = None,
    copy_plan: Plan | None = None,
    copy_to: Iterable = (),
) -> ReminderDigest | None:
    """The user's digest of the day, unless they had one already, turned reminders off or have
    nothing to be reminded of. `plans` limits who is reminded (someone with work in them), not
    what: the digest lists all of the user's reminders. With `copy_plan`, each of `copy_to`
    (the plan's improvement leads) gets a copy of the lines of that plan."""
    if not _may_remind(user) or ReminderDigest.objects.filter(user=user, sent_on=on).exists():
        return None
    if plans is not None and not lines_for(user, on=on, plans=plans):
        return None
    lines = lines_for(user, on=on)
    if not lines:
        return None
    try:
        # Recorded and sent in one transaction: a mail server that refuses rolls the record
        # back, so the next run tries again; a second run the same day finds the row.
        with transaction.atomic():
            digest = ReminderDigest.objects.create(
                user=user,
                authority_id=Plan.objects.get(pk=lines[0].plan).authority_id,
                sent_on=on,
                occasion=occasion,
                cutoff=cutoff,
                lines=[asdict(line) for line in lines],
            )
            digest.plans.set({line.plan for line in lines})
            _send(user=user, digest=digest, lines=lines)
    except IntegrityError:
        return None  # another run sent today's digest first
    if copy_plan is not None:
        _send_copies(digest=digest, plan=copy_plan, to=copy_to)
    return digest


def _subject(digest: ReminderDigest, count: int) -> str:
    words = {"count": count}
    if digest.occasion == ReminderDigest.Occasion.PRE_BOARD:
        return PRE_BOARD_SUBJECT % words
    return DIGEST_SUBJECT % words


def _context(lines: list[Line]) -> dict:
    return {"lines": [{**asdict(line), "url": mail.absolute(line.link)} for line in lines]}


def _send(*, user, digest: ReminderDigest, lines: list[Line]) -> None:
    mail.send(
        to=user.email,
        subject=_subject(digest, len(lines)),
        template="improvement/email/reminders",
        context={"user": user, "digest": digest, **_context(lines)},
    )


def _send_copies(*, digest: ReminderDigest, plan: Plan, to: Iterable) -> None:
    lines = [Line(**line) for line in digest.lines_of(plan)]
    if not lines:
        return
    who = digest.user.get_full_name() or digest.user.get_username()
    for lead in to:
        if lead == digest.user or not _may_remind(lead):
            continue
        mail.send(
            to=lead.email,
            subject=COPY_SUBJECT % {"who": who, "plan": plan.title},
            template="improvement/email/reminders",
            context={"user": lead, "digest": digest, "copy_of": who, **_context(lines)},
        )
        digest.copied_to.add(lead)


def send_reminders(*, on: datetime.date) -> list[ReminderDigest]:
    """Everyone's regular digest of the day; run again the same day, it sends none."""
    sent = []
    for user in people_to_remind():
        if digest := send_digest(user=user, on=on):
            sent.append(digest)
    return sent
