"""Named reads of actions, in the words the plan uses. Each page composes these and states its
select_related/prefetch_related here, so a page's query count does not grow with its rows."""

import datetime
from collections import defaultdict

from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone

from improvement.criteria import criteria_from_json
from improvement.rag import RISK_HIGH_FROM, RISK_MEDIUM_FROM, assess, derived_rag_only, rag_counts
from improvement.ratings import (
    DONE_STATUSES,
    DUE_SOON_DAYS,
    NO_UPDATE_DAYS,
    Rag,
    RagRule,
    Status,
)
from improvement.reviews import review_cutoff

# How a send-back's commentary begins (services.SENT_BACK): with the reason, it tells a send-back
# from an officer who takes back their own request while revising a due date.
SENT_BACK_PREFIX = "Sent back: "

# What the RAG rule reads of an action of a criteria plan; its plan's criteria are read once.
DERIVED_RAG_COLUMNS = (
    "pk",
    "plan_id",
    "status",
    "due_on",
    "progress_rag",
    "impact_evidence",
    "criteria",
)


class _StripBlanks(Func):
    """The text without the spaces, tabs and line breaks round it, as str.strip() does for a
    pasted cell; SQL's one-argument TRIM strips spaces only."""

    template = "BTRIM(%(expressions)s, ' ' || chr(9) || chr(10) || chr(13))"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        template = "TRIM(%(expressions)s, ' ' || char(9) || char(10) || char(13))"
        return super().as_sql(compiler, connection, template=template, **extra)


def _has_text(field: str) -> Q:
    return ~Q(**{field: ""}) & ~Q(Exact(_StripBlanks(field), Value("")))


def dates_rule_rag(*, today: datetime.date) -> Case:
    """rag.py's dates rule (derived_rag_only with no assessments) as a database expression, so
    whole plans are counted and filtered by derived RAG without reading every action.
    tests/improvement/test_rag.py holds both to the same table of scenarios."""
    return Case(
        When(Q(status=Status.COMPLETE) & _has_text("impact_evidence"), then=Value(Rag.BLUE)),
        When(status__in=DONE_STATUSES, then=Value(Rag.GREEN)),
        When(due_on__lt=today, then=Value(Rag.RED)),
        When(
            status=Status.NOT_STARTED,
            due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
            then=Value(Rag.AMBER),
        ),
        When(progress_rag=Rag.BLUE, then=Value(Rag.GREEN)),
        When(progress_rag="", then=Value(Rag.NOT_RATED)),
        default=F("progress_rag"),
        output_field=CharField(),
    )


class PlanQuerySet(models.QuerySet):
    def for_authority(self, authority):
        return self.filter(authority=authority)

    def with_action_counts(self, *, today: datetime.date):
        """Annotates action_count, open_count and overdue_count (ActionQuerySet.overdue's rule),
        for lists of plans. Apply to plain rows: a filter's joins would multiply the counts."""
        open_q = ~Q(actions__status__in=DONE_STATUSES)
        return self.annotate(
            action_count=Count("actions", distinct=True),
            open_count=Count("actions", filter=open_q, distinct=True),
            overdue_count=Count(
                "actions", filter=open_q & Q(actions__due_on__lt=today), distinct=True
            ),
        )


class LeadQuerySet(models.QuerySet):
    def for_authority(self, authority):
        return self.filter(authority=authority)


class ActionQuerySet(models.QuerySet):
    def for_authority(self, authority):
        return self.filter(plan__authority=authority)

    def for_user(self, user):
        """Actions the user leads, co-leads or is delegated: what they may update as an officer.

        A lead grants only within its own authority: even if a lead of one council were attached
        to another council's action, by a bug or by hand in the database, it grants nothing.
        """
        if not user.is_authenticated:
            return self.none()
        # Each grant is a subquery that starts from the user's own rows (their leads, their
        # delegations), read once per query: the cost follows what the user leads, not how many
        # actions the installation holds. IN rather than joins, so an action is listed once.
        led = self.model.objects.filter(lead__users=user, lead__authority=F("plan__authority"))
        delegated = self.model.delegates.through.objects.filter(user=user)
        co_led = self.model.co_leads.through.objects.filter(
            lead__users=user, lead__authority=F("action__plan__authority")
        )
        # Unordered: SQLite refuses ORDER BY inside the parts of a UNION.
        granted = (
            led.order_by()
            .values("pk")
            .union(
                delegated.order_by().values("action_id"),
                co_led.order_by().values("action_id"),
                all=True,
            )
        )
        return self.filter(pk__in=granted)

    def for_lead(self, lead):
        return self.filter(
            Q(lead=lead) | Q(co_leads=lead), plan__authority_id=lead.authority_id
        ).distinct()

    def open(self):
        return self.exclude(status__in=DONE_STATUSES)

    def done(self):
        return self.filter(status__in=DONE_STATUSES)

    def overdue(self, *, on: datetime.date):
        # The same rule as rag.is_overdue: waiting for sign-off does not stop the clock.
        return self.open().filter(due_on__lt=on)

    def due_within(self, *, on: datetime.date, days: int = DUE_SOON_DAYS):
        return self.open().filter(due_on__gte=on, due_on__lte=on + datetime.timedelta(days=days))

    def awaiting_sign_off(self):
        return self.filter(status=Status.AWAITING_SIGN_OFF)

    def needing_reminder(self, *, on: datetime.date):
        """Open actions overdue, due within the "due soon" window or with no update for
        NO_UPDATE_DAYS on the day: `reminders.reminder_reasons` as a query (its table tests
        hold both to the same scenarios)."""
        return self.open().filter(
            Q(pk__in=self.overdue(on=on).values("pk"))
            | Q(pk__in=self.due_within(on=on).values("pk"))
            | Q(pk__in=self.no_update_for(on=on).values("pk"))
        )

    def no_update_for(self, *, on: datetime.date, days: int = NO_UPDATE_DAYS):
        """Open actions with no progress update in the `days` before the day: the pack's "no
        update for 30 days" exception (boards/pack/sections.py), which the dashboard calls slow
        to progress. The pack compares update days, so an update at any time of that day counts."""
        from improvement.models import ProgressUpdate

        since = timezone.make_aware(
            datetime.datetime.combine(on - datetime.timedelta(days=days), datetime.time.min)
        )
        recent = ProgressUpdate.objects.filter(action=OuterRef("pk"), at__gte=since)
        return self.open().exclude(Exists(recent))

    def with_latest_update(self):
        """Annotates last_update_at: when the last progress update was written, or None."""
        from improvement.models import ProgressUpdate

        latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-at", "-pk")
        return self.annotate(last_update_at=Subquery(latest.values("at")[:1]))

    def with_latest_commentary(self):
        """with_latest_update, and last_update_commentary: what that same update said."""
        from improvement.models import ProgressUpdate

        latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-at", "-pk")
        return self.with_latest_update().annotate(
            last_update_commentary=Subquery(latest.values("commentary")[:1])
        )

    def with_sign_off_story(self):
        """Annotates sign_off_requested_at (the last request for sign-off, or None) and
        sent_back_at and sent_back_reason (the last refusal, or None): the queue's order and what
        an officer is told on their pages (selectors.sent_back)."""
        from improvement.models import ProgressUpdate

        latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-at", "-pk")
        requests = latest.sign_off_requests()
        sent_back = latest.send_backs()
        return self.annotate(
            sign_off_requested_at=Subquery(requests.values("at")[:1]),
            sent_back_at=Subquery(sent_back.values("at")[:1]),
            sent_back_reason=Subquery(sent_back.values("reason")[:1]),
        )

    def with_due_revisions(self):
        """Annotates due_revisions: updates that moved a due date the action already had."""
        from improvement.models import due_revision_q

        return self.annotate(
            due_revisions=Count("updates", filter=due_revision_q("updates__"), distinct=True)
        )

    def for_listing(self):
        """What a list row shows: plan (for the RAG rule), theme, period, objective and lead."""
        return self.select_related("plan", "theme", "period", "objective", "lead")

    def _by_rule(self, rule: str):
        # Through the keys, so joins a filter made (a lead, a recommendation) count no action twice.
        return self.model.objects.filter(pk__in=self.order_by().values("pk"), plan__rag_rule=rule)

    def _criteria_rags(self, *, today: datetime.date):
        """(pk, derived RAG) of each action of a criteria plan, by rag.py's rule in Python: the
        criteria live in JSON, per plan. Two queries: the actions' columns, their plans' rules."""
        from improvement.models import Plan

        rows = list(self._by_rule(RagRule.CRITERIA).values_list(*DERIVED_RAG_COLUMNS))
        plans = Plan.objects.filter(pk__in={row[1] for row in rows}).values_list("pk", "criteria")
        criteria = {pk: criteria_from_json(value) for pk, value in plans}
        for pk, plan_id, status, due_on, reported, evidence, answers in rows:
            yield (
                pk,
                derived_rag_only(
                    reported=reported,
                    status=status,
                    due_on=due_on,
                    today=today,
                    impact_evidence=evidence or "",
                    assessments=assess(criteria[plan_id], answers or {}),
                ),
            )

    def _derived_rag_groups(self, *, today: datetime.date, key: str | None = None) -> dict:
        """{key's value: {RAG: actions}}, every RAG listed; one group, None, without a key.
        One grouped query decides dates plans; criteria plans' actions, if any, are then read."""
        columns = {"rule": F("plan__rag_rule"), "derived": dates_rule_rag(today=today)}
        if key:
            columns["key"] = F(key)
        # Distinct, so an action a filter's join repeats (two co-leads) counts once.
        groups = self.order_by().values(**columns).annotate(count=Count("pk", distinct=True))
        counts = defaultdict(lambda: rag_counts(()))
        by_criteria = False
        for group in groups:
            if group["rule"] == RagRule.CRITERIA:
                by_criteria = True
            else:
                counts[group.get("key")][Rag(group["derived"])] += group["count"]
        if by_criteria:
            keys = dict(self._by_rule(RagRule.CRITERIA).values_list("pk", key)) if key else {}
            for pk, rag in self._criteria_rags(today=today):
                counts[keys.get(pk)][rag] += 1
        return dict(counts)

    def derived_rag_counts(self, *, today: datetime.date) -> dict[Rag, int]:
        """Actions per derived RAG as at the day, every RAG listed: the figures a pack counts."""
        return self._derived_rag_groups(today=today).get(None, rag_counts(()))

    def derived_rag_counts_by_theme(self, *, today: datetime.date) -> dict[int | None, dict]:
        """{theme id, or None for actions with no theme: {RAG: actions}}, for the dashboard;
        a theme with no action is not a key."""
        return self._derived_rag_groups(today=today, key="theme_id")

    def derived_rag_is(self, rag: str, *, today: datetime.date):
        """The actions whose derived RAG on the day is `rag`, still a queryset that composes with
        other filters: dates plans by the expression, criteria plans by their keys."""
        chosen = [pk for pk, derived in self._criteria_rags(today=today) if derived == rag]
        return self.alias(dates_rag=dates_rule_rag(today=today)).filter(
            Q(plan__rag_rule=RagRule.DATES, dates_rag=rag) | Q(pk__in=chosen)
        )


RISK_BANDS = ("high", "medium", "low")


def _band_q(field: str, band: str) -> Q:
    """The scores of `field` in a band of the heat map, as `rag.risk_band` draws them."""
    return {
        "high": Q(**{f"{field}__gte": RISK_HIGH_FROM}),
        "medium": Q(**{f"{field}__gte": RISK_MEDIUM_FROM, f"{field}__lt": RISK_HIGH_FROM}),
        "low": Q(**{f"{field}__lt": RISK_MEDIUM_FROM}),
    }[band]


class RiskQuerySet(models.QuerySet):
    def for_authority(self, authority):
        return self.filter(plan__authority=authority)

    def for_register(self):
        """What a register row shows: the owner, and the plan its review interval is read from."""
        return self.select_related("owner", "plan")

    def open(self):
        return self.filter(status="open")

    def with_rating(self):
        """Annotates rating: rag.risk_rating in SQL, after controls where assessed."""
        return self.annotate(rating=Coalesce("residual_score", "score"))

    def above_target(self):
        """Open risks rated above their target score (rag.is_above_target), worst first."""
        return (
            self.open()
            .with_rating()
            .filter(target_score__isnull=False, rating__gt=F("target_score"))
            .order_by("-rating", "order", "reference")
        )

    def owned_by(self, user):
        """Risks whose owner the user is linked to, within the owner's own authority only, as
        `ActionQuerySet.for_user` grants."""
        if not user.is_authenticated:
            return self.none()
        owned = self.model.objects.filter(owner__users=user, owner__authority=F("plan__authority"))
        return self.filter(pk__in=owned.values("pk"))

    def in_band(self, band: str, *, after_controls: bool = False):
        return self.filter(_band_q("residual_score" if after_controls else "score", band))

    def _review_overdue_q(self, *, today: datetime.date, months: int | None) -> Q:
        # The interval is the plan's, so one cutoff per interval the plans in view use; the
        # cutoff is the rule's own (reviews.review_cutoff), so the list and the page agree.
        per_plan = months is None
        intervals = (
            set(self.order_by().values_list("plan__risk_review_months", flat=True).distinct())
            if per_plan
            else {months}
        )
        overdue = Q(pk__in=[])
        for interval in sorted(intervals):
            cutoff = review_cutoff(today=today, months=interval)
            overdue |= (Q(plan__risk_review_months=interval) if per_plan else Q()) & (
                Q(reviewed_on__lt=cutoff)
                | Q(reviewed_on__isnull=True, raised_on__lt=cutoff)
                | Q(reviewed_on__isnull=True, raised_on__isnull=True)
            )
        return overdue & Q(status="open")

    def review_overdue(self, *, today: datetime.date, months: int | None = None):
        """Open risks whose last review (else their raising) is older than their plan's
        interval, or that have no such date: `reviews.is_review_overdue` as a query. A page of
        one plan passes its interval as `months`, saving the query that reads the intervals."""
        return self.filter(self._review_overdue_q(today=today, months=months))

    def needing_reminder(self, *, on: datetime.date):
        """Risks due for review on the day: the register's "review overdue" rule."""
        return self.review_overdue(today=on)

    def with_review_overdue(self, *, today: datetime.date, months: int | None = None):
        """Each risk with `review_is_overdue`, the same rule as `review_overdue`."""
        return self.annotate(
            review_is_overdue=Case(
                When(self._review_overdue_q(today=today, months=months), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )
