"""Named reads of actions, in the words the plan uses. Each page composes these and states its
select_related/prefetch_related here, so a page's query count does not grow with its rows."""

import datetime

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from improvement.criteria import criteria_from_json
from improvement.rag import assess, derived_rag_only, rag_counts
from improvement.ratings import DONE_STATUSES, DUE_SOON_DAYS, Rag, RagRule, Status

# What the RAG rule reads of an action, and nothing else; its plan's rule is read once a plan.
DERIVED_RAG_COLUMNS = (
    "pk",
    "plan_id",
    "status",
    "due_on",
    "progress_rag",
    "impact_evidence",
    "criteria",
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

    def with_due_revisions(self):
        """Annotates due_revisions: updates that moved a due date the action already had."""
        from improvement.models import due_revision_q

        return self.annotate(
            due_revisions=Count("updates", filter=due_revision_q("updates__"), distinct=True)
        )

    def for_listing(self):
        """What a list row shows: plan (for the RAG rule), theme, period, objective and lead."""
        return self.select_related("plan", "theme", "period", "objective", "lead")

    def _derived_rags(self, *, today: datetime.date):
        """(pk, derived RAG) of each action, in two queries (the actions' columns, then their
        plans' rules): the rule is rag.py's, the one pages and packs call, read over plain
        values because a model instance per row costs more than the rule itself."""
        from improvement.models import Plan

        rows = list(
            self.order_by()
            .prefetch_related(None)
            .select_related(None)
            .values_list(*DERIVED_RAG_COLUMNS)
        )
        plans = Plan.objects.filter(pk__in={row[1] for row in rows}).values_list(
            "pk", "rag_rule", "criteria"
        )
        rules = {pk: (rule, criteria_from_json(criteria)) for pk, rule, criteria in plans}
        for pk, plan_id, status, due_on, reported, evidence, answers in rows:
            rule, criteria = rules[plan_id]
            yield (
                pk,
                derived_rag_only(
                    reported=reported,
                    status=status,
                    due_on=due_on,
                    today=today,
                    impact_evidence=evidence or "",
                    assessments=assess(criteria, answers or {})
                    if rule == RagRule.CRITERIA
                    else None,
                ),
            )

    def derived_rag_counts(self, *, today: datetime.date) -> dict[Rag, int]:
        """Actions per derived RAG as at the day, every RAG listed: the figures a pack counts."""
        return rag_counts(rag for _pk, rag in self._derived_rags(today=today))

    def derived_rag_is(self, rag: str, *, today: datetime.date):
        """The actions whose derived RAG on the day is `rag`: one query to decide, then a
        filter on their keys, so the result still composes with other filters."""
        chosen = [pk for pk, derived in self._derived_rags(today=today) if derived == rag]
        return self.filter(pk__in=chosen)
