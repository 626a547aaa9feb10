"""Named reads of actions, in the words the plan uses. Each page composes these and states its
select_related/prefetch_related here, so a page's query count does not grow with its rows."""

import datetime

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
from django.db.models.lookups import Exact

from improvement.criteria import criteria_from_json
from improvement.rag import assess, derived_rag_only, rag_counts
from improvement.ratings import DONE_STATUSES, DUE_SOON_DAYS, Rag, RagRule, Status

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
        # Exists() rather than joins through the M2Ms, so an action is never listed twice.
        return self.filter(
            Q(
                Exists(
                    self.model.objects.filter(
                        pk=OuterRef("pk"), lead__users=user, lead__authority=F("plan__authority")
                    )
                )
            )
            | Q(
                Exists(
                    self.model.delegates.through.objects.filter(action=OuterRef("pk"), user=user)
                )
            )
            | Q(
                Exists(
                    self.model.co_leads.through.objects.filter(
                        action=OuterRef("pk"),
                        lead__users=user,
                        lead__authority=F("action__plan__authority"),
                    )
                )
            )
        )

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

    def derived_rag_counts(self, *, today: datetime.date) -> dict[Rag, int]:
        """Actions per derived RAG as at the day, every RAG listed: the figures a pack counts.
        One grouped query decides dates plans; criteria plans' actions, if any, are then read."""
        groups = (
            self.order_by()
            .values(rule=F("plan__rag_rule"), derived=dates_rule_rag(today=today))
            # Distinct, so an action a filter's join repeats (two co-leads) counts once.
            .annotate(count=Count("pk", distinct=True))
            .values_list("rule", "derived", "count")
        )
        counts = rag_counts(())
        by_criteria = False
        for rule, derived, count in groups:
            if rule == RagRule.CRITERIA:
                by_criteria = True
            else:
                counts[Rag(derived)] += count
        if by_criteria:
            for _pk, rag in self._criteria_rags(today=today):
                counts[rag] += 1
        return counts

    def derived_rag_is(self, rag: str, *, today: datetime.date):
        """The actions whose derived RAG on the day is `rag`, still a queryset that composes with
        other filters: dates plans by the expression, criteria plans by their keys."""
        chosen = [pk for pk, derived in self._criteria_rags(today=today) if derived == rag]
        return self.alias(dates_rag=dates_rule_rag(today=today)).filter(
            Q(plan__rag_rule=RagRule.DATES, dates_rag=rag) | Q(pk__in=chosen)
        )
