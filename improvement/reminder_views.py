"""What reminders the plan's people were sent: for the plan's improvement leads."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from improvement.models import ReminderDigest
from improvement.permissions import is_improvement_lead
from improvement.views import readable_plan

# The page lists the latest digests; older ones stay in the admin's reach.
LATEST = 200


@login_required
@require_safe
def reminder_list(request, slug):
    plan = readable_plan(request, slug)
    if not is_improvement_lead(request.user, plan):
        raise PermissionDenied
    digests = list(
        ReminderDigest.objects.for_plan(plan)
        .select_related("user")
        .prefetch_related("copied_to")
        .order_by("-sent_on", "-pk")[:LATEST]
    )
    # Only this plan's lines: a digest may also have reminded its reader of another plan.
    for digest in digests:
        digest.plan_lines = digest.lines_of(plan)
    return render(request, "improvement/reminder_list.html", {"plan": plan, "digests": digests})
