"""Who hears of a plan's events, and in what words: run by improvement/tasks.py after the write
commits. Only people who may read the plan are told, so nobody of another council ever is."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse

from improvement.models import Plan, PlanRole, ProgressUpdate
from improvement.permissions import can_view_plan
from improvement.visit_selectors import findings_without_action
from notices.models import Kind
from notices.services import News, notify

SIGN_OFF_REQUESTED = "%(reference)s asks for sign-off"
SIGN_OFF_REQUESTED_TEXT = (
    "%(who)s marked %(reference)s complete in %(plan)s and asks for your sign-off: %(text)s"
)
SENT_BACK = "%(reference)s was sent back"
SENT_BACK_TEXT = "%(who)s did not sign off %(reference)s in %(plan)s. The reason: %(reason)s"
UNANSWERED_FINDING = "Finding %(reference)s still has no action"
UNANSWERED_FINDING_TEXT = (
    "Finding %(reference)s of the %(visit)s has had no action in %(plan)s for %(days)s days: "
    "%(text)s"
)


def _name(user) -> str:
    return user.get_full_name() or user.get_username() if user else "Someone"


def improvement_leads(plan: Plan):
    users = get_user_model().objects.filter(
        plan_roles__plan=plan, plan_roles__role=PlanRole.Role.IMPROVEMENT_LEAD, is_active=True
    )
    return [user for user in users.distinct() if can_view_plan(user, plan)]


def _update(update_id: int) -> ProgressUpdate:
    return ProgressUpdate.objects.select_related("action__plan", "by").get(pk=update_id)


def sign_off_requested(update_id: int) -> list:
    update = _update(update_id)
    action, plan = update.action, update.action.plan
    words = {
        "reference": action.reference,
        "plan": plan.title,
        "who": _name(update.by),
        "text": action.text[:300],
    }
    news = News(
        kind=Kind.SIGN_OFF_REQUESTED,
        about=f"update:{update.pk}",
        subject=SIGN_OFF_REQUESTED % words,
        text=SIGN_OFF_REQUESTED_TEXT % words,
        link=reverse(
            "improvement:action_sign_off",
            kwargs={"slug": plan.slug, "reference": action.reference},
        ),
        authority_id=plan.authority_id,
    )
    leads = [user for user in improvement_leads(plan) if user != update.by]
    return notify(users=leads, news=news)


def sent_back(update_id: int) -> list:
    """The officer who asked for the sign-off hears why it was refused."""
    update = _update(update_id)
    action, plan = update.action, update.action.plan
    request = (
        ProgressUpdate.objects.sign_off_requests()
        .filter(action=action, action_version__lt=update.action_version)
        .select_related("by")
        .order_by("-action_version")
        .first()
    )
    asker = request.by if request else None
    if asker is None or asker == update.by or not can_view_plan(asker, plan):
        return []
    words = {
        "reference": action.reference,
        "plan": plan.title,
        "who": _name(update.by),
        "reason": update.reason,
    }
    news = News(
        kind=Kind.SENT_BACK,
        about=f"update:{update.pk}",
        subject=SENT_BACK % words,
        text=SENT_BACK_TEXT % words,
        link=action.get_absolute_url(),
        authority_id=plan.authority_id,
    )
    return notify(users=[asker], news=news)


def unanswered_findings(plan: Plan, *, on: datetime.date, days: int):
    """The plan's findings with no live action whose letter (or, with none, visit) is at least
    `days` old on `on`."""
    return (
        findings_without_action(plan)
        .annotate(known_on=Coalesce(F("visit__letter_on"), F("visit__visited_on")))
        .filter(known_on__lte=on - datetime.timedelta(days=days))
    )


def tell_of_unanswered_findings(*, on: datetime.date, days: int | None = None) -> int:
    """Each live plan's improvement leads hear once of each finding left with no action; run
    again, it tells nobody twice (the notification row is the record). Returns how many told."""
    days = settings.UNANSWERED_FINDING_DAYS if days is None else days
    told = 0
    for plan in Plan.objects.filter(status=Plan.PlanStatus.LIVE).select_related("authority"):
        findings = list(unanswered_findings(plan, on=on, days=days))
        leads = improvement_leads(plan) if findings else []
        for finding in findings:
            told += len(notify(users=leads, news=_finding_news(plan, finding, days=days)))
    return told


def _finding_news(plan: Plan, finding, *, days: int) -> News:
    words = {
        "reference": finding.reference,
        "visit": str(finding.visit),
        "plan": plan.title,
        "days": days,
        "text": finding.text[:300],
    }
    link = reverse("improvement:visit", kwargs={"slug": plan.slug, "pk": finding.visit_id})
    return News(
        kind=Kind.UNANSWERED_FINDING,
        about=f"finding:{finding.pk}:plan:{plan.pk}",
        subject=UNANSWERED_FINDING % words,
        text=UNANSWERED_FINDING_TEXT % words,
        link=f"{link}#finding-{finding.pk}",
        authority_id=plan.authority_id,
    )
