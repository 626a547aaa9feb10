"""Officers' pages. GET renders; POST validates a form, calls one service and redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_safe

from improvement import clock, plan_cache, selectors, services, uploads, visit_selectors
from improvement.files import private_file_response
from improvement.filters import ActionFilter, describe_filter
from improvement.forms import SignOffForm, UpdateActionForm
from improvement.importing import flow
from improvement.importing.export import XLSX_CONTENT_TYPE, export_plan_workbook
from improvement.models import Action, Evidence, Plan, Status
from improvement.permissions import (
    actions_held_by,
    can_download_plan_workbook,
    can_import_into,
    can_manage_people,
    can_read_action,
    can_sign_off,
    can_sign_off_in,
    can_update_action,
    can_view_plan,
)
from improvement.reports import action_list_report

PLAN_PAGE_SIZE = 50
UPDATE_SAVED = "Your update has been saved."
NOTHING_CHANGED = "Nothing was changed, so nothing was saved."
SIGNED_OFF = "The action has been signed off as complete."
SENT_BACK = "The action has been sent back to its lead."
SIGN_OFF_REQUESTED = "The action is now awaiting sign-off by an improvement lead."
NO_ACTIONS_FOR_RECOMMENDATION = "No open or completed action answers this recommendation."
FIX_FILTERS_TO_LIST = "Correct the filters to see the actions."
FIX_FILTERS_TO_DOWNLOAD = "Correct the filters on the plan page, then download the list again."


def readable_plan(request, slug: str) -> Plan:
    """The plan, or the same 404 whether it is missing or only hidden from this user.

    A 403 for another council's plan would tell an outsider which plans exist.
    """
    plan = Plan.objects.select_related("authority").filter(slug=slug).first()
    if plan is None or not can_view_plan(request.user, plan):
        raise Http404
    return plan


def _action(plan: Plan, reference: str) -> Action:
    action = plan.actions.select_related("plan").filter(reference=reference).first()
    if action is None:
        raise Http404
    return action


@login_required
@require_safe
def my_actions(request):
    today = clock.today()
    # Lazy: drawn only when the page's kept fragment is out of date (plan_cache).
    groups = SimpleLazyObject(lambda: selectors.my_actions(user=request.user, today=today))
    return render(
        request,
        "improvement/my_actions.html",
        {
            "groups": groups,
            "total": SimpleLazyObject(lambda: sum(len(g.actions) for g in groups)),
            "today": today,
            "my_stamp": plan_cache.my_actions_stamp(request.user, actions_held_by(request.user)),
            "shared_for": plan_cache.TIMEOUT,
        },
    )


def _filtered(request, plan: Plan, today) -> ActionFilter:
    # Always bound, so an empty query is a valid "no filter" rather than an unbound form.
    return ActionFilter(request.GET, queryset=selectors.plan_actions(plan), plan=plan, today=today)


def _xlsx_attachment(data: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def plan_download(request, slug):
    """The list the plan page shows, with the same filters, as a report for people."""
    plan = readable_plan(request, slug)
    today = clock.today()
    filterset = _filtered(request, plan, today)
    if not filterset.is_valid():
        # A file of every action would pass for the list the user asked for.
        return render(
            request,
            "improvement/download_refused.html",
            {"plan": plan, "filter": filterset, "message": FIX_FILTERS_TO_DOWNLOAD},
            status=400,
        )
    report = action_list_report(
        plan=plan,
        actions=filterset.qs,
        filter_description=describe_filter(filterset),
        today=today,
    )
    return _xlsx_attachment(report, filename=f"{plan.slug}-actions-{today}.xlsx")


@login_required
@require_safe
def plan_workbook(request, slug):
    """The whole plan in the importer's layout, to edit and import back."""
    plan = readable_plan(request, slug)
    if not can_download_plan_workbook(request.user, plan):
        raise PermissionDenied
    return _xlsx_attachment(
        export_plan_workbook(plan), filename=f"{plan.slug}-workbook-{clock.today()}.xlsx"
    )


@login_required
@require_safe
def plan_detail(request, slug):
    plan = readable_plan(request, slug)
    today = clock.today()
    filterset = _filtered(request, plan, today)
    # A refused filter lists nothing: rows under an error would pass for its result.
    actions = filterset.qs if filterset.is_valid() else plan.actions.none()
    query = request.GET.copy()
    page_asked = query.pop("page", [""])[-1]
    # Lazy: the list, its counts and the filter form are cached per plan (plan_cache), and
    # these are read only when the page's cached fragments must be drawn again.
    page = SimpleLazyObject(lambda: Paginator(actions, PLAN_PAGE_SIZE).get_page(page_asked))
    return render(
        request,
        "improvement/plan_detail.html",
        {
            "plan": plan,
            "filter": filterset,
            "page": page,
            "page_asked": page_asked,
            "actions": SimpleLazyObject(
                lambda: selectors.with_derived_rag(page.object_list, today=today)
            ),
            "rag_counts": SimpleLazyObject(lambda: actions.derived_rag_counts(today=today)),
            "query": query.urlencode(),
            "today": today,
            "plan_stamp": plan_cache.stamp(plan),
            "shared_for": plan_cache.TIMEOUT,
            "fix_filters_message": FIX_FILTERS_TO_LIST,
            "can_download_plan_workbook": can_download_plan_workbook(request.user, plan),
            "can_sign_off_in_plan": can_sign_off_in(request.user, plan),
            "can_manage_people_of_plan": can_manage_people(request.user, plan),
            "can_import_into_plan": can_import_into(request.user, plan),
        },
    )


@login_required
@require_safe
def recommendation_detail(request, slug, reference):
    plan = readable_plan(request, slug)
    recommendation = (
        plan.recommendations()
        .select_related("inspection")
        .filter(reference__iexact=reference)
        .first()
    )
    if recommendation is None:
        raise Http404
    actions = selectors.with_derived_rag(
        selectors.recommendation_actions(plan=plan, recommendation=recommendation),
        today=clock.today(),
    )
    answering = [a for a in actions if a.status != Status.CLOSED]
    findings = (
        visit_selectors.plan_findings(plan)
        .filter(recommendation=recommendation)
        .select_related("visit")
        .order_by("-visit__visited_on", "order", "pk")
    )
    return render(
        request,
        "improvement/recommendation_detail.html",
        {
            "plan": plan,
            "recommendation": recommendation,
            "actions": actions,
            "answering": answering,
            "findings": list(findings),
            "no_actions_message": NO_ACTIONS_FOR_RECOMMENDATION,
        },
    )


@login_required
@require_safe
def action_detail(request, slug, reference):
    plan = readable_plan(request, slug)
    try:
        page = selectors.action_page(plan=plan, reference=reference, today=clock.today())
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


@login_required
@require_safe
def evidence_download(request, slug, reference, pk):
    """An evidence file, for whoever may read its action; anyone else is told it is not there."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("action__plan").exclude(file=""),
        pk=pk,
        action__reference=reference,
        action__plan__slug=slug,
    )
    if not can_read_action(request.user, evidence.action):
        raise Http404
    return private_file_response(
        evidence.file,
        filename=evidence.original_name or f"evidence-{evidence.pk}",
        content_type=uploads.content_type_for(evidence.original_name),
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


def _update_message(result: services.UpdateResult) -> tuple[int, str]:
    if not result.changed:
        return messages.INFO, NOTHING_CHANGED
    if result.sign_off_requested:
        return messages.SUCCESS, SIGN_OFF_REQUESTED
    return messages.SUCCESS, UPDATE_SAVED


def _stale_page(request, template: str, context: dict, stale: services.StaleEdit):
    # Show their change, and offer the form again against the version now stored.
    form = context["form"]
    form.data = form.data.copy()
    form.data["version"] = stale.action.version
    return render(request, template, {**context, "stale": stale}, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request, slug, reference):
    plan = readable_plan(request, slug)
    action = _action(plan, reference)
    form = UpdateActionForm(
        request.POST or None,
        request.FILES or None,
        initial=UpdateActionForm.initial_for(action),
        upload_cut_short=uploads.upload_cut_short(request),
    )
    context = {"plan": plan, "action": action, "form": form, "stale": None}
    if request.method == "POST" and form.is_valid():
        # The service asks whether this user may update the action, so a write asks once.
        try:
            result = services.update_action(
                action=action, by=request.user, **_update_kwargs(form.cleaned_data)
            )
        except services.StaleEdit as stale:
            return _stale_page(request, "improvement/action_update.html", context, stale)
        except ValidationError as refused:
            _show_refusal(form, refused)
        else:
            messages.add_message(request, *_update_message(result))
            return redirect(action)
    elif not can_update_action(request.user, action):
        raise PermissionDenied
    return render(request, "improvement/action_update.html", context)


def _decide_sign_off(request, action: Action, data: dict) -> str:
    """Sign the action off or send it back, as the form decided; the message to show."""
    if data["decision"] == SignOffForm.SIGN_OFF:
        services.sign_off(
            action=action,
            by=request.user,
            expected_version=data["version"],
            commentary=data["comment"],
        )
        return SIGNED_OFF
    services.send_back(
        action=action, by=request.user, expected_version=data["version"], reason=data["comment"]
    )
    return SENT_BACK


# The decision page's link from the queue says so, and a decision made there goes back to it.
FROM_QUEUE = "queue"


def _after_decision(request, action: Action):
    if request.GET.get("from") == FROM_QUEUE:
        return redirect("improvement:sign_off_queue", slug=action.plan.slug)
    return redirect(action)


@login_required
@require_http_methods(["GET", "POST"])
def action_sign_off(request, slug, reference):
    plan = readable_plan(request, slug)
    try:
        action = selectors.sign_off_request(plan=plan, reference=reference)
    except Action.DoesNotExist as missing:
        raise Http404 from missing
    form = SignOffForm(request.POST or None, initial={"version": action.version})
    context = {
        "plan": plan,
        "action": action,
        "form": form,
        "stale": None,
        "from_queue": request.GET.get("from") == FROM_QUEUE,
    }
    if request.method == "POST" and form.is_valid():
        # The services ask whether this user may sign off, so a decision asks once.
        try:
            message = _decide_sign_off(request, action, form.cleaned_data)
        except services.StaleEdit as stale:
            return render(
                request, "improvement/action_sign_off.html", {**context, "stale": stale}, status=409
            )
        except ValidationError as refused:
            _show_refusal(form, refused, aliases={"reason": "comment"})
        else:
            messages.success(request, message)
            return _after_decision(request, action)
    elif not can_sign_off(request.user, action):
        raise PermissionDenied
    return render(request, "improvement/action_sign_off.html", context)


@login_required
@require_safe
def sign_off_queue(request, slug):
    plan = readable_plan(request, slug)
    if not can_sign_off_in(request.user, plan):
        raise PermissionDenied
    return render(
        request,
        "improvement/sign_off_queue.html",
        {"plan": plan, "actions": selectors.sign_off_queue(plan=plan), "from_queue": FROM_QUEUE},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request, slug):
    """The admin's workbook import, for the plan's improvement leads: into this plan only."""
    plan = readable_plan(request, slug)
    # Asked before any step reads a file, so a refused import reads and writes nothing.
    if not can_import_into(request.user, plan):
        raise PermissionDenied
    step = flow.run_step(request, plan=plan)
    if step.shows == flow.DONE:
        messages.success(request, step.message)
        return redirect(plan)
    if step.shows == flow.EXPIRED:
        messages.error(request, step.message)
    if step.shows in (flow.EXPIRED, flow.RESTART):
        return redirect("improvement:plan_import", slug=plan.slug)
    return render(
        request, f"improvement/plan_import_{step.shows}.html", {"plan": plan, **step.context}
    )
