"""Every write to a board pack. An issued pack is final: nothing here changes one."""

import datetime
import logging
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from boards.models import Pack, PackIsFinal
from boards.notifying import tell_pack_issued
from boards.pack import pipeline
from boards.pack.history import before_history_warning
from boards.pack.render import RenderedPack
from improvement.models import PlanRole
from improvement.permissions import can_issue_pack
from notices.services import tell_on_commit

logger = logging.getLogger(__name__)

NOT_ALLOWED_TO_ISSUE = "Only an improvement lead of this plan can issue its board pack."
PLAN_NOT_ON_BOARD = "This plan is not reported to this board."
MEETING_NOT_OF_BOARD = "Choose a meeting of this board."
AS_AT_IN_FUTURE = "The as-at date must be today or in the past."
CORRECTION_NEEDS_REASON = (
    "A pack as at this date has already been issued. Give a reason to issue a corrected version."
)
PACK_ALREADY_BUILDING = (
    "A pack as at this date is still being built. If it has not finished in %(wait)s, "
    "you can retry it."
)
BEFORE_HISTORY_NOT_CONFIRMED = "{warning} Tick the box to confirm you want to issue it anyway."
PACK_NOT_RETRYABLE = "Only a pack that failed or is stuck building can be retried."
PACK_FAILED_SUBJECT = "Board pack for %(plan)s could not be built"
PACK_FAILED_BODY = (
    "The board pack for %(plan)s as at %(as_at)s (version %(version)s) could not be built.\n\n"
    "Sign in to the Improvement Tracker and open %(path)s to see the error and retry it."
)


@transaction.atomic
def issue_pack(
    *,
    plan,
    board,
    as_at: datetime.date,
    by,
    meeting=None,
    reason: str = "",
    before_history_confirmed: bool = False,
) -> Pack:
    """Record the request and build the pack in the background once the request commits.

    `by` is None only from the command line, where the operator is trusted. A pack dated before
    the plan's recorded history begins is issued only with `before_history_confirmed`.
    """
    if by is not None and not can_issue_pack(by, plan):
        raise PermissionDenied(NOT_ALLOWED_TO_ISSUE)
    reason = reason.strip()
    _validate(plan=plan, board=board, as_at=as_at, meeting=meeting)
    if not before_history_confirmed and (warning := before_history_warning(plan, as_at)):
        message = BEFORE_HISTORY_NOT_CONFIRMED.format(warning=warning)
        raise ValidationError({"before_history_confirmed": message})
    now = timezone.now()
    same_date = list(
        Pack.objects.select_for_update()
        .filter(plan=plan, board=board, as_at=as_at)
        .order_by("-version")
    )
    issued = [pack for pack in same_date if pack.is_issued]
    # At most one pack of a date is not issued: a failed or stuck build keeps its version
    # number, and retrying reuses the row rather than starting a new version.
    pack = next((pack for pack in same_date if not pack.is_issued), None)
    if pack is not None:
        _refuse_if_still_building(pack, now=now, field="as_at")
    if issued and not reason:
        raise ValidationError({"reason": CORRECTION_NEEDS_REASON})
    if pack is None:
        latest = max((pack.version for pack in issued), default=0)
        pack = Pack(plan=plan, board=board, as_at=as_at, version=latest + 1)
    pack.meeting = meeting
    pack.reason = reason if pack.version > 1 else ""
    _start_build(pack, by=by, now=now)
    return pack


@transaction.atomic
def retry_pack(*, pack: Pack, by, now: datetime.datetime | None = None) -> Pack:
    """Build a failed pack, or one stuck building, again: the same row and version."""
    if by is not None and not can_issue_pack(by, pack.plan):
        raise PermissionDenied(NOT_ALLOWED_TO_ISSUE)
    now = now or timezone.now()
    locked = (
        Pack.objects.select_related("plan", "board", "meeting")
        .select_for_update(of=("self",))
        .get(pk=pack.pk)
    )
    if locked.is_issued:
        raise ValidationError(PACK_NOT_RETRYABLE)
    _refuse_if_still_building(locked, now=now)
    _validate(plan=locked.plan, board=locked.board, as_at=locked.as_at, meeting=locked.meeting)
    _start_build(locked, by=by, now=now)
    return locked


def _refuse_if_still_building(pack: Pack, *, now: datetime.datetime, field=None) -> None:
    if pack.status != Pack.PackStatus.BUILDING or pack.is_stuck(now=now):
        return
    timeout = datetime.timedelta(minutes=settings.PACK_BUILD_TIMEOUT_MINUTES)
    left = math.ceil((timeout - pack.building_for(now=now)).total_seconds() / 60)
    message = PACK_ALREADY_BUILDING % {"wait": minutes(left)}
    raise ValidationError({field: message} if field else message)


def minutes(count: int) -> str:
    return "1 minute" if count == 1 else f"{count} minutes"


def _start_build(pack: Pack, *, by, now: datetime.datetime) -> None:
    pack.status = Pack.PackStatus.BUILDING
    pack.stage = Pack.Stage.QUEUED
    pack.error = ""
    pack.requested_by = by
    pack.build_started_at = now
    pack.full_clean(exclude=["pdf", "archive_pdf"])
    pack.save()
    pack_id = pack.pk
    transaction.on_commit(lambda: _enqueue(pack_id))


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
    """Take the snapshot, render its reading and archive copies and issue the pack; a failure is
    recorded, not hidden.

    The stage is stored as the build goes, for the status page (the pipeline tells each step).
    """
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
            on_stage=lambda stage: _reach(pack, Pack.Stage(stage)),
        )
        archive = pipeline.archive_copy(built, version=pack.version)
    except Exception as error:
        logger.exception("Board pack %s failed to build", pack.pk)
        failed = _this_attempt(pack).update(
            status=Pack.PackStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        if failed:
            _tell_improvement_leads(pack)
        raise
    return _issue(pack, built, archive)


def _this_attempt(pack: Pack):
    """Only this build's attempt: a build given up as stuck and retried meanwhile neither fails
    the pack nor moves the retry's stage by ending late."""
    return Pack.objects.filter(
        pk=pack.pk, status=Pack.PackStatus.BUILDING, build_started_at=pack.build_started_at
    )


def _reach(pack: Pack, stage: Pack.Stage) -> None:
    # Its own short write, committed at once by the worker, so the status page sees it.
    _this_attempt(pack).update(stage=stage)


def _tell_improvement_leads(pack: Pack) -> None:
    """The pack page tells chairs the improvement lead has been told: this is the telling."""
    recipients = list(
        PlanRole.objects.filter(plan=pack.plan, role=PlanRole.Role.IMPROVEMENT_LEAD)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return
    subject = PACK_FAILED_SUBJECT % {"plan": pack.plan.title}
    body = PACK_FAILED_BODY % {
        "plan": pack.plan.title,
        "as_at": f"{pack.as_at:%-d %B %Y}",
        "version": pack.version,
        "path": pack.get_absolute_url(),
    }
    try:
        send_mail(subject, body, None, recipients)
    except OSError:
        # The failure is already recorded and shown on the pack page; a mail server that is
        # down must not hide the build's own error.
        logger.exception("Could not tell the improvement leads that pack %s failed", pack.pk)


@transaction.atomic
def _issue(pack: Pack, built: pipeline.BuiltPack, archive: RenderedPack) -> Pack:
    locked = Pack.objects.select_for_update().get(pk=pack.pk)
    if locked.status != Pack.PackStatus.BUILDING:
        raise PackIsFinal
    if locked.build_started_at != pack.build_started_at:
        # Given up as stuck and retried while this build ran: the retry issues the pack.
        logger.warning("Board pack %s: a stuck build finished after its retry began", pack.pk)
        return locked
    # Both copies in the one save that issues the pack: once issued, the row never changes.
    locked.pdf.save(pack.filename, ContentFile(built.rendered.pdf), save=False)
    locked.archive_pdf.save(pack.archive_filename, ContentFile(archive.pdf), save=False)
    locked.snapshot = built.snapshot
    locked.pages = built.rendered.pages
    locked.archive_pages = archive.pages
    locked.status = Pack.PackStatus.ISSUED
    locked.stage = Pack.Stage.STORED
    locked.issued_by = locked.requested_by
    locked.issued_at = timezone.now()
    locked.save()
    tell_on_commit(tell_pack_issued, locked.pk)
    return locked
