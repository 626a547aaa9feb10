"""The plan dashboard: the plan's figures, each a link to its list, and for those who read the
board's packs what moved since the last one."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from boards.dashboard import movement_since_last_pack
from improvement import clock
from improvement.dashboard import plan_figures
from improvement.models import Plan
from improvement.permissions import (
    can_read_packs,
    can_sign_off_in,
    can_view_plan,
    plans_with_packs_for,
)

NO_PACK_YET = "No board pack has been issued for this plan yet, so there is nothing to compare."


def landing_url(user) -> str:
    """Where a user starts: improvement leads, chairs and members at their plan's dashboard, or
    the list of plans when they have several; officers (and anyone else) at My actions."""
    plans = list(plans_with_packs_for(user).values_list("slug", flat=True)[:2])
    if len(plans) == 1:
        return reverse("dashboard:plan", kwargs={"slug": plans[0]})
    if plans:
        return reverse("improvement:plans")
    return reverse("improvement:my_actions")


@login_required
@require_safe
def landing(request):
    return redirect(landing_url(request.user))


@login_required
@require_safe
def plan_dashboard(request, slug: str):
    plan = Plan.objects.select_related("authority").filter(slug=slug).first()
    # The same 404 whether the plan is missing or another's: a 403 would say it exists.
    if plan is None or not can_view_plan(request.user, plan):
        raise Http404
    today = clock.today()
    # Movement comes from issued packs, which officers do not read.
    reads_packs = can_read_packs(request.user, plan)
    return render(
        request,
        "boards/dashboard.html",
        {
            "plan": plan,
            "today": today,
            "figures": plan_figures(plan=plan, today=today),
            "movement": movement_since_last_pack(plan=plan, today=today) if reads_packs else None,
            "no_pack_yet": NO_PACK_YET,
            "can_sign_off": can_sign_off_in(request.user, plan),
        },
    )
