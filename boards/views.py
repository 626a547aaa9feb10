"""Board pages: chairs and members read issued packs; improvement leads issue them."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from boards import services
from boards.forms import IssuePackForm, PreviewForm
from boards.models import Board, Pack
from boards.pack.render import render_html
from boards.pack.snapshot import pack_snapshot
from improvement.permissions import can_issue_pack, can_read_packs

PACK_NOT_ISSUED = "This pack has not been issued."


def _plan_on_board(board: Board, slug: str):
    return get_object_or_404(board.own_plans(), slug=slug)


def _readable_pack(request, pk: int) -> Pack:
    pack = get_object_or_404(Pack.objects.select_related("plan", "board", "meeting"), pk=pk)
    if not can_read_packs(request.user, pack.plan):
        raise PermissionDenied
    return pack


@login_required
def board_page(request, pk: int):
    board = get_object_or_404(Board, pk=pk)
    plans = [plan for plan in board.own_plans() if can_read_packs(request.user, plan)]
    if not plans:
        raise PermissionDenied
    packs = (
        Pack.objects.filter(board=board, plan__in=plans, status=Pack.PackStatus.ISSUED)
        .select_related("plan", "meeting", "issued_by")
        .order_by("plan__title", "-as_at", "-version")
    )
    issuable = [plan for plan in plans if can_issue_pack(request.user, plan)]
    return render(
        request, "boards/board.html", {"board": board, "packs": packs, "issuable": issuable}
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue_pack(request, pk: int, slug: str):
    board = get_object_or_404(Board, pk=pk)
    plan = _plan_on_board(board, slug)
    if not can_issue_pack(request.user, plan):
        raise PermissionDenied
    form = IssuePackForm(request.POST or None, board=board)
    if request.method == "POST" and form.is_valid():
        try:
            pack = services.issue_pack(plan=plan, board=board, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect(pack)
    return render(request, "boards/issue.html", {"board": board, "plan": plan, "form": form})


@login_required
def pack_page(request, pk: int):
    pack = _readable_pack(request, pk)
    return render(request, "boards/pack.html", {"pack": pack})


@login_required
def pack_download(request, pk: int):
    pack = _readable_pack(request, pk)
    if not pack.is_issued:
        raise Http404(PACK_NOT_ISSUED)
    return FileResponse(
        pack.pdf.open("rb"),
        as_attachment=True,
        filename=pack.filename,
        content_type="application/pdf",
    )


@login_required
def pack_preview(request, pk: int):
    pack = _readable_pack(request, pk)
    if not pack.is_issued:
        raise Http404(PACK_NOT_ISSUED)
    return HttpResponse(render_html(pack.snapshot, version=pack.version))


@login_required
def draft_preview(request, pk: int, slug: str):
    board = get_object_or_404(Board, pk=pk)
    plan = _plan_on_board(board, slug)
    if not can_issue_pack(request.user, plan):
        raise PermissionDenied
    form = PreviewForm(request.GET)
    if not form.is_valid():
        return redirect("boards:issue", pk=board.pk, slug=plan.slug)
    snapshot = pack_snapshot(plan=plan, as_at=form.cleaned_data["as_at"], board=board)
    return HttpResponse(render_html(snapshot, draft=True))
