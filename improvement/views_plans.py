"""The list of plans a user may read: where chairs and members with several plans land."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from improvement import clock
from improvement.models import Plan
from improvement.permissions import plans_visible_to

NO_PLANS = (
    "You cannot read any plan yet. An improvement lead gives chairs and members their role in "
    "a plan; officers see a plan once they lead one of its actions."
)


@login_required
@require_safe
def plan_list(request):
    # Counted over the plans' own keys: plans_visible_to joins roles and actions to decide.
    plans = (
        Plan.objects.filter(pk__in=plans_visible_to(request.user).values("pk"))
        .select_related("authority")
        .with_action_counts(today=clock.today())
        .order_by("authority__name", "title")
    )
    return render(request, "improvement/plan_list.html", {"plans": plans, "no_plans": NO_PLANS})
