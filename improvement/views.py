"""Officers' pages. GET renders; POST validates a form, calls one service and redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from improvement import selectors, services
from improvement.filters import ActionFilter
from improvement.forms import SignOffForm, UpdateActionForm
from improvement.importing.export import XLSX_CONTENT_TYPE, export_actions_xlsx
from improvement.models import Action, Plan, Status
from improvement.permissions import can_sign_off, can_update_action, can_view_plan

PLAN_PAGE_SIZE = 50
UPDATE_SAVED = "Your update has been saved."
NOTHING_CHANGED = "Nothing was changed, so nothing was saved."
SIGNED_OFF = "The action has been signed off as complete."
SENT_BACK = "The action has been sent back to its lead."
SIGN_OFF_REQUESTED = "The action is now awaiting sign-off by an improvement lead."
NO_ACTIONS_FOR_RECOMMENDATION = "No open or completed action answers this recommendation."


def _today():
    return timezone.localdate()


def _readable_plan(request, slug: str) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("authority"), slug=slug)
    if not can_view_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _action(plan: Plan, reference: str) -> Action:
    return get_object_or_404(plan.actions.select_related("plan"), reference=reference)


@login_required
@require_safe
def my_actions(request):
    groups = selectors.my_actions(user=request.user, today=_today())
    return render(
        request,
        "improvement/my_actions.html",
        {"groups": groups, "total": sum(len(g.actions) for g in groups)},
    )


def _filtered(request, plan: Plan, today) -> ActionFilter:
    # Always bound, so an empty query is a valid "no filter" rather than an unbound form.
    return ActionFilter(request.GET, queryset=selectors.plan_actions(plan), plan=plan, today=today)


@login_required
@require_safe
def plan_download(request, slug):
    """The list the plan page shows, with the same filters, as the importer's .xlsx layout."""
    plan = _readable_plan(request, slug)
    today = _today()
    filterset = _filtered(request, plan, today)
    actions = filterset.qs if filterset.is_valid() else plan.actions.none()
    response = HttpResponse(export_actions_xlsx(actions), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-actions-{today}.xlsx"'
    return response


@login_required
@require_safe
def plan_detail(request, slug):
    plan = _readable_plan(request, slug)
    today = _today()
    filterset = _filtered(request, plan, today)
    actions = filterset.qs
    page = Paginator(actions, PLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "improvement/plan_detail.html",
        {
            "plan": plan,
            "filter": filterset,
            "page": page,
            "actions": selectors.with_derived_rag(page.object_list, today=today),
            "rag_counts": actions.rag_counts(),
            "query": query.urlencode(),
        },
    )


@login_required
@require_safe
def recommendation_detail(request, slug, reference):
    plan = _readable_plan(request, slug)
    recommendation = (
        plan.recommendations()
        .select_related("inspection")
        .filter(reference__iexact=reference)
        .first()
    )
    if recommendation is None:
        raise Http404
    actions = selectors.with_derived_rag(
        selectors.recommendation_actions(plan=plan, recommendation=recommendation), today=_today()
    )
    answering = [a for a in actions if a.status != Status.CLOSED]
    return render(
        request,
        "improvement/recommendation_detail.html",
        {
            "plan": plan,
            "recommendation": recommendation,
            "actions": actions,
            "answering": answering,
            "no_actions_message": NO_ACTIONS_FOR_RECOMMENDATION,
        },
    )


@login_required
@require_safe
def action_detail(request, slug, reference):
    plan = _readable_plan(request, slug)
    try:
        page = selectors.action_page(plan=plan, reference=reference, today=_today())
    except Action.DoesNotExist as missing:
        raise Http404 from missing
    return render(
        request,
        "improvement/action_detail.html",
        {
            "plan": plan,
            "page": page,
            "action": page.action,
            "can_update": can_update_action(request.user, page.action),
            "can_sign_off": can_sign_off(request.user, page.action),
        },
    )


def _show_refusal(form, refused: ValidationError, *, aliases: dict | None = None) -> None:
    """A service's refusal shown beside the field it is about, or above the form."""
    if not hasattr(refused, "error_dict"):
        form.add_error(None, refused)
        return
    for key, errors in refused.message_dict.items():
        name = (aliases or {}).get(key, key)
        form.add_error(name if name in form.fields else None, errors)


def _update_kwargs(data: dict) -> dict:
    kwargs = {
        "expected_version": data["version"],
        "progress_rag": data["progress_rag"],
        "status": data["status"],
        "commentary": data["commentary"],
        "impact_evidence": data["impact_evidence"],
        "due_reason": data["due_reason"],
        "evidence_file": data["evidence_file"],
        "evidence_link": data["evidence_link"],
        "evidence_description": data["evidence_description"],
    }
    if data["due_on"] is not None:
        kwargs["due_on"] = data["due_on"]
    return kwargs


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request, slug, reference):
    plan = get_object_or_404(Plan, slug=slug)
    action = _action(plan, reference)
    if not can_update_action(request.user, action):
        raise PermissionDenied
    form = UpdateActionForm(
        request.POST or None, request.FILES or None, initial=UpdateActionForm.initial_for(action)
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            update = services.update_action(
                action=action, by=request.user, **_update_kwargs(form.cleaned_data)
            )
        except services.StaleEdit as refused:
            stale = refused
        except ValidationError as refused:
            _show_refusal(form, refused)
        else:
            if update is None:
                messages.info(request, NOTHING_CHANGED)
            elif action.status == Status.AWAITING_SIGN_OFF and update.status_before != (
                Status.AWAITING_SIGN_OFF
            ):
                messages.success(request, SIGN_OFF_REQUESTED)
            else:
                messages.success(request, UPDATE_SAVED)
            return redirect(action)
    if stale is not None:
        # Show their change, and offer the form again against the version now stored.
        form.data = form.data.copy()
        form.data["version"] = stale.action.version
    return render(
        request,
        "improvement/action_update.html",
        {"plan": plan, "action": action, "form": form, "stale": stale},
        status=409 if stale else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_sign_off(request, slug, reference):
    plan = get_object_or_404(Plan, slug=slug)
    action = _action(plan, reference)
    if not can_sign_off(request.user, action):
        raise PermissionDenied
    form = SignOffForm(request.POST or None, initial={"version": action.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == SignOffForm.SIGN_OFF:
                services.sign_off(
                    action=action,
                    by=request.user,
                    expected_version=data["version"],
                    commentary=data["comment"],
                )
                messages.success(request, SIGNED_OFF)
            else:
                services.send_back(
                    action=action,
                    by=request.user,
                    expected_version=data["version"],
                    reason=data["comment"],
                )
                messages.success(request, SENT_BACK)
        except services.StaleEdit as refused:
            stale = refused
        except ValidationError as refused:
            _show_refusal(form, refused, aliases={"reason": "comment"})
        else:
            return redirect(action)
    return render(
        request,
        "improvement/action_sign_off.html",
        {"plan": plan, "action": action, "form": form, "stale": stale},
        status=409 if stale else 200,
    )
