"""Board pages: chairs and members read issued packs; improvement leads issue them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from boards import schedule, services
from boards.forms import IssuePackForm, PreviewForm
from boards.minutes import can_record_meetings_of
from boards.models import Board, Pack
from boards.pack.history import before_history_warning, history_begins_on
from boards.pack.render import render_html
from boards.pack.snapshot import pack_snapshot
from improvement import clock
from improvement.files import private_file_response
from improvement.permissions import can_issue_pack, can_read_packs, plans_with_packs_for

PACK_NOT_ISSUED = "This pack has not been issued."
PDF_CONTENT_TYPE = "application/pdf"
# Chairs and members are told no more than this: the error names code and files, and is the
# improvement lead's to act on (they see it on the same page, with a retry button).
PACK_COULD_NOT_BE_BUILT = "This pack could not be built. The improvement lead has been told."
PACK_RETRY_STARTED = "The pack is being built again."
NO_BOARDS = (
    "You are not on any board. Chairs, members and improvement leads of a plan see the boards "
    "that oversee it."
)


# Whoever may not read a board's packs gets the 404 of a missing board, plan or pack: a 403
# would tell an outsider that it exists. Whoever may read them but not issue gets a 403.


def _issuable_plan(request, pk: int, slug: str):
    board = Board.objects.filter(pk=pk).first()
    plan = board.own_plans().filter(slug=slug).first() if board else None
    if plan is None or not can_read_packs(request.user, plan):
        raise Http404
    if not can_issue_pack(request.user, plan):
        raise PermissionDenied
    return board, plan


def _readable_pack(request, pk: int) -> Pack:
    pack = Pack.objects.select_related("plan", "board", "meeting").filter(pk=pk).first()
    if pack is None or not can_read_packs(request.user, pack.plan):
        raise Http404
    return pack


@login_required
@require_safe
def board_list(request):
    readable = plans_with_packs_for(request.user).order_by("title")
    boards = list(
        Board.objects.readable_by(request.user)
        .prefetch_related(Prefetch("plans", queryset=readable, to_attr="readable_plans"))
        .order_by("name")
    )
    for board in boards:
        # As Board.own_plans(): a plan of another council that got onto the board is not shown.
        board.readable_plans = [
            plan for plan in board.readable_plans if plan.authority_id == board.authority_id
        ]
    return render(request, "boards/board_list.html", {"boards": boards, "no_boards": NO_BOARDS})


@login_required
@require_safe
def board_page(request, pk: int):
    board = Board.objects.filter(pk=pk).first()
    plans = (
        [plan for plan in board.own_plans() if can_read_packs(request.user, plan)] if board else []
    )
    if not plans:
        raise Http404
    packs = list(
        Pack.objects.filter(board=board, plan__in=plans, status=Pack.PackStatus.ISSUED)
        .select_related("plan", "meeting", "issued_by")
        .order_by("-as_at", "plan__title", "-version")
    )
    mark_superseded(packs)
    today = clock.today()
    meetings = board.meetings.all()
    return render(
        request,
        "boards/board.html",
        {
            "board": board,
            "packs": packs,
            "issuable": [plan for plan in plans if can_issue_pack(request.user, plan)],
            "members": board.members.order_by("last_name", "first_name", "username"),
            "upcoming": meetings.filter(held_on__gte=today).order_by("held_on"),
            "past": meetings.filter(held_on__lt=today).order_by("-held_on"),
            "can_record": can_record_meetings_of(request.user, board),
        },
    )


def mark_superseded(packs: list[Pack]) -> None:
    """Each pack learns the newer version issued for the same plan and date, if any."""
    newest = {}
    for pack in packs:
        key = (pack.plan_id, pack.as_at)
        newest[key] = max(newest.get(key, 0), pack.version)
    for pack in packs:
        latest = newest[(pack.plan_id, pack.as_at)]
        pack.superseded_by = latest if latest > pack.version else None


@login_required
@require_http_methods(["GET", "POST"])
def issue_pack(request, pk: int, slug: str):
    board, plan = _issuable_plan(request, pk, slug)
    draft = schedule.pending_draft(board=board, plan=plan, today=clock.today())
    form = IssuePackForm(
        request.POST or None,
        board=board,
        history_begins_on=history_begins_on(plan),
        initial={"as_at": draft.as_at, "meeting": draft.meeting} if draft else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            pack = services.issue_pack(plan=plan, board=board, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect(pack)
    return render(
        request,
        "boards/issue.html",
        {"board": board, "plan": plan, "form": form, "scheduled_draft": draft},
    )


@login_required
@require_safe
def pack_page(request, pk: int):
    pack = _readable_pack(request, pk)
    is_improvement_lead = can_issue_pack(request.user, pack.plan)
    stuck = pack.is_stuck(now=timezone.now())
    return render(
        request,
        "boards/pack.html",
        {
            "pack": pack,
            "stuck": stuck,
            "is_improvement_lead": is_improvement_lead,
            "can_retry": is_improvement_lead and (stuck or pack.status == Pack.PackStatus.FAILED),
            "could_not_be_built": PACK_COULD_NOT_BE_BUILT,
        },
    )


@login_required
@require_POST
def retry_pack(request, pk: int):
    pack = get_object_or_404(Pack.objects.select_related("plan"), pk=pk)
    if not can_read_packs(request.user, pack.plan):
        raise Http404
    if not can_issue_pack(request.user, pack.plan):
        raise PermissionDenied
    try:
        services.retry_pack(pack=pack, by=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, PACK_RETRY_STARTED)
    return redirect(pack)


def _issued_pack_with(request, pk: int, copy: str) -> Pack:
    """An issued pack that has the copy (a file field's name), for whoever may read the board's
    packs; to anyone else, and for a pack still building, failed or without that copy, there is
    no such file."""
    pack = get_object_or_404(
        Pack.objects.select_related("plan")
        .filter(status=Pack.PackStatus.ISSUED)
        .exclude(**{copy: ""}),
        pk=pk,
    )
    if not can_read_packs(request.user, pack.plan):
        raise Http404(PACK_NOT_ISSUED)
    return pack


@login_required
@require_safe
def pack_download(request, pk: int):
    """The reading copy: what the board reads."""
    pack = _issued_pack_with(request, pk, "pdf")
    return private_file_response(pack.pdf, filename=pack.filename, content_type=PDF_CONTENT_TYPE)


@login_required
@require_safe
def pack_archive_download(request, pk: int):
    """The archive copy: the reading copy with the full action plan as an appendix."""
    pack = _issued_pack_with(request, pk, "archive_pdf")
    return private_file_response(
        pack.archive_pdf, filename=pack.archive_filename, content_type=PDF_CONTENT_TYPE
    )


@login_required
@require_safe
def pack_preview(request, pk: int):
    pack = _readable_pack(request, pk)
    if not pack.is_issued:
        raise Http404(PACK_NOT_ISSUED)
    return HttpResponse(render_html(pack.snapshot, version=pack.version))


@login_required
@require_safe
def draft_preview(request, pk: int, slug: str):
    board, plan = _issuable_plan(request, pk, slug)
    form = PreviewForm(request.GET)
    if not form.is_valid():
        return redirect("boards:issue", pk=board.pk, slug=plan.slug)
    as_at = form.cleaned_data["as_at"]
    snapshot = pack_snapshot(plan=plan, as_at=as_at, board=board)
    snapshot["before_history"] = before_history_warning(plan, as_at)
    return HttpResponse(render_html(snapshot, draft=True))
