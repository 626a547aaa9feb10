"""Named reads of actions, in the words the plan uses. Each page composes these and states its
select_related/prefetch_related here, so a page's query count does not grow with its rows."""

import datetime

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from improvement.rag import derive_action_rag, rag_counts
from improvement.ratings import DONE_STATUSES, DUE_SOON_DAYS, Rag, Status

# What derive_action_rag reads of an action and its plan, and nothing else.
DERIVED_RAG_FIELDS = (
    "status",
    "due_on",
    "progress_rag",
    "impact_rag",
    "impact_evidence",
    "criteria",
    "plan__rag_rule",
    "plan__criteria",
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
        """(pk, derived RAG) of each action, in one query: the rule is the pure function in
        rag.py (criteria and all), read over only the columns it needs."""
        rows = (
            self.order_by()
            .prefetch_related(None)
            .select_related(None)
            .select_related("plan")
            .only(*DERIVED_RAG_FIELDS)
        )
        return ((action.pk, derive_action_rag(action, today=today).rag) for action in rows)

    def derived_rag_counts(self, *, today: datetime.date) -> dict[Rag, int]:
        """Actions per derived RAG as at the day, every RAG listed: the figures a pack counts."""
        return rag_counts(rag for _pk, rag in self._derived_rags(today=today))

    def derived_rag_is(self, rag: str, *, today: datetime.date):
        """The actions whose derived RAG on the day is `rag`: one query to decide, then a
        filter on their keys, so the result still composes with other filters."""
        chosen = [pk for pk, derived in self._derived_rags(today=today) if derived == rag]
        return self.filter(pk__in=chosen)
