"""Named reads of actions, in the words the plan uses. Each page composes these and states its
select_related/prefetch_related here, so a page's query count does not grow with its rows."""

import datetime

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

# Status and RAG values are written out rather than imported: models.py builds the Action
# manager from this module, so importing models here would be circular.
COMPLETE = "complete"
CLOSED = "closed"
AWAITING_SIGN_OFF = "awaiting_sign_off"
DONE = (COMPLETE, CLOSED)


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
        return self.exclude(status__in=DONE)

    def done(self):
        return self.filter(status__in=DONE)

    def overdue(self, *, on: datetime.date):
        # The same rule as rag.is_overdue: waiting for sign-off does not stop the clock.
        return self.open().filter(due_on__lt=on)

    def due_within(self, *, days: int, on: datetime.date):
        return self.open().filter(due_on__gte=on, due_on__lte=on + datetime.timedelta(days=days))

    def awaiting_sign_off(self):
        return self.filter(status=AWAITING_SIGN_OFF)

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

    def rag_counts(self) -> dict[str, int]:
        """Actions per reported progress RAG, in one query."""
        from improvement.models import Rag

        totals = self.order_by().aggregate(
            **{rag.value: Count("pk", filter=Q(progress_rag=rag.value)) for rag in Rag}
        )
        return {Rag(value): total for value, total in totals.items()}
