"""Every write to a board pack. An issued pack is final: nothing here changes one."""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from boards.models import Pack
from boards.pack import pipeline
from improvement.permissions import can_issue_pack

logger = logging.getLogger(__name__)

NOT_ALLOWED_TO_ISSUE = "Only an improvement lead of this plan can issue its board pack."
PLAN_NOT_ON_BOARD = "This plan is not reported to this board."
MEETING_NOT_OF_BOARD = "Choose a meeting of this board."
AS_AT_IN_FUTURE = "The as-at date must be today or in the past."
CORRECTION_NEEDS_REASON = (
    "A pack as at this date has already been issued. Give a reason to issue a corrected version."
)
PACK_ALREADY_BUILDING = "A pack as at this date is already being built."
PACK_IS_FINAL = "This pack has been issued and cannot be changed."


class PackIsFinal(Exception):
    def __init__(self):
        super().__init__(PACK_IS_FINAL)


@transaction.atomic
def issue_pack(*, plan, board, as_at: datetime.date, by, meeting=None, reason: str = "") -> Pack:
    """Record the request and build the pack in the background once the request commits.

    `by` is None only from the command line, where the operator is trusted.
    """
    if by is not None and not can_issue_pack(by, plan):
        raise PermissionDenied(NOT_ALLOWED_TO_ISSUE)
    reason = reason.strip()
    _validate(plan=plan, board=board, as_at=as_at, meeting=meeting)
    same_date = Pack.objects.select_for_update().filter(plan=plan, board=board, as_at=as_at)
    if same_date.filter(status=Pack.PackStatus.BUILDING).exists():
        raise ValidationError({"as_at": PACK_ALREADY_BUILDING})
    issued = same_date.filter(status=Pack.PackStatus.ISSUED)
    if issued.exists() and not reason:
        raise ValidationError({"reason": CORRECTION_NEEDS_REASON})
    # A failed build keeps its version number: retrying reuses the row rather than a new version.
    pack = same_date.filter(status=Pack.PackStatus.FAILED).order_by("-version").first()
    if pack is None:
        latest = issued.aggregate(latest=Max("version"))["latest"] or 0
        pack = Pack(plan=plan, board=board, as_at=as_at, version=latest + 1)
    pack.meeting = meeting
    pack.reason = reason if pack.version > 1 else ""
    pack.status = Pack.PackStatus.BUILDING
    pack.error = ""
    pack.requested_by = by
    pack.full_clean(exclude=["pdf"])
    pack.save()
    pack_id = pack.pk
    transaction.on_commit(lambda: _enqueue(pack_id))
    return pack


def _enqueue(pack_id: int) -> None:
    from boards.tasks import build_pack_task  # boards.tasks imports this module

    build_pack_task.enqueue(pack_id)


def _validate(*, plan, board, as_at, meeting) -> None:
    errors = {}
    if not board.own_plans().filter(pk=plan.pk).exists():
        errors["plan"] = PLAN_NOT_ON_BOARD
    if as_at > timezone.localdate():
        errors["as_at"] = AS_AT_IN_FUTURE
    if meeting is not None and meeting.board_id != board.pk:
        errors["meeting"] = MEETING_NOT_OF_BOARD
    if errors:
        raise ValidationError(errors)


def build_pack(*, pack_id: int) -> Pack:
    """Take the snapshot, render the PDF and issue the pack; a failure is recorded, not hidden."""
    pack = Pack.objects.select_related("plan", "board", "meeting").get(pk=pack_id)
    if pack.status == Pack.PackStatus.ISSUED:
        raise PackIsFinal
    try:
        built = pipeline.build(
            plan=pack.plan,
            as_at=pack.as_at,
            board=pack.board,
            meeting=pack.meeting,
            version=pack.version,
        )
    except Exception as error:
        logger.exception("Board pack %s failed to build", pack.pk)
        Pack.objects.filter(pk=pack.pk, status=Pack.PackStatus.BUILDING).update(
            status=Pack.PackStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    return _issue(pack, built)


@transaction.atomic
def _issue(pack: Pack, built: pipeline.BuiltPack) -> Pack:
    locked = Pack.objects.select_for_update().get(pk=pack.pk)
    if locked.status != Pack.PackStatus.BUILDING:
        raise PackIsFinal
    locked.pdf.save(pack.filename, ContentFile(built.rendered.pdf), save=False)
    locked.snapshot = built.snapshot
    locked.pages = built.rendered.pages
    locked.status = Pack.PackStatus.ISSUED
    locked.issued_by = locked.requested_by
    locked.issued_at = timezone.now()
    locked.save()
    return locked
