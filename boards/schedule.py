"""The daily schedule (`manage.py run_schedule`, docs/operations.md): reminders, the drafts at
each board's pack cut-off, and the findings still without an action.

Every step is idempotent, so the schedule may run more than once a day, or be run again for a
day it missed with `--on`:
- pre-board reminders: on each of a board's reminder days before a meeting's cut-off
  (Board.reminder_days_for), the leads with work in the board's plans get their digest; the
  second such digest for the same cut-off is copied to the plan's improvement leads;
- regular reminders on settings.REMINDER_WEEKDAYS (Monday unless set);
- on a meeting's cut-off day (Board.cutoff_for), a draft pack as at that day for each of the
  board's live plans, recorded so it is built once, and the plan's improvement leads told;
- the unanswered-findings notifications (improvement/notifying.py).

One digest a day per user holds throughout: a lead reminded before one board is not reminded
again that day for another plan or by the regular run.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from boards.models import Board, Meeting, ScheduledDraft
from boards.pack.snapshot import pack_snapshot
from improvement import notifying, reminding
from improvement.models import Plan, ReminderDigest
from notices.models import Kind
from notices.services import News, notify

DRAFT_READY = "Draft board pack to check: %(plan)s, for %(board)s on %(held_on)s"
DRAFT_READY_TEXT = (
    "Today is the pack cut-off for the %(board)s meeting of %(held_on)s. A draft pack of "
    "%(plan)s as at %(as_at)s is built for you to check; issue the pack when it is right."
)


@dataclass
class ScheduleRun:
    pre_board: list = field(default_factory=list)
    regular: list = field(default_factory=list)
    drafts: list = field(default_factory=list)
    findings_told: int = 0


def _day(date) -> str:
    return f"{date:%-d %B %Y}"


def _upcoming_meetings(on: datetime.date):
    return Meeting.objects.filter(held_on__gte=on).select_related("board").order_by("held_on")


def _live_plans(board: Board):
    return board.own_plans().filter(status=Plan.PlanStatus.LIVE).order_by("title")


def send_pre_board_reminders(*, on: datetime.date) -> list[ReminderDigest]:
    sent = []
    for meeting in _upcoming_meetings(on):
        board = meeting.board
        if on not in board.reminder_days_for(meeting):
            continue
        cutoff = f"meeting:{meeting.pk}"
        for plan in _live_plans(board):
            leads = notifying.improvement_leads(plan)
            for user in reminding.people_to_remind(plan=plan):
                reminded_before = ReminderDigest.objects.filter(
                    user=user, cutoff=cutoff, sent_on__lt=on
                ).exists()
                digest = reminding.send_digest(
                    user=user,
                    on=on,
                    occasion=ReminderDigest.Occasion.PRE_BOARD,
                    cutoff=cutoff,
                    plans=[plan],
                    copy_plan=plan if reminded_before else None,
                    copy_to=leads,
                )
                if digest:
                    sent.append(digest)
    return sent


def build_cutoff_drafts(*, on: datetime.date) -> list[ScheduledDraft]:
    """The drafts of the meetings whose cut-off is the day; none built twice."""
    built = []
    for meeting in _upcoming_meetings(on):
        board = meeting.board
        if board.cutoff_for(meeting) != on:
            continue
        for plan in _live_plans(board):
            if ScheduledDraft.objects.filter(plan=plan, meeting=meeting).exists():
                continue
            draft = ScheduledDraft.objects.create(
                board=board,
                plan=plan,
                meeting=meeting,
                as_at=on,
                snapshot=pack_snapshot(plan=plan, as_at=on, board=board, meeting=meeting),
            )
            _tell_draft_ready(draft)
            built.append(draft)
    return built


def _tell_draft_ready(draft: ScheduledDraft) -> list:
    words = {
        "plan": draft.plan.title,
        "board": draft.board.name,
        "held_on": _day(draft.meeting.held_on),
        "as_at": _day(draft.as_at),
    }
    news = News(
        kind=Kind.DRAFT_PACK,
        about=f"scheduled_draft:{draft.pk}",
        subject=DRAFT_READY % words,
        text=DRAFT_READY_TEXT % words,
        link=reverse("boards:issue", kwargs={"pk": draft.board_id, "slug": draft.plan.slug}),
        authority_id=draft.board.authority_id,
    )
    return notify(users=notifying.improvement_leads(draft.plan), news=news)


def pending_draft(*, board: Board, plan: Plan, today: datetime.date) -> ScheduledDraft | None:
    """The draft built at the cut-off of the board's next meeting, while that meeting has no
    issued pack of the plan: what the issue page offers the improvement lead to check."""
    draft = (
        ScheduledDraft.objects.filter(board=board, plan=plan, meeting__held_on__gte=today)
        .select_related("meeting")
        .order_by("meeting__held_on")
        .first()
    )
    if draft is None or draft.meeting.packs.filter(plan=plan, status="issued").exists():
        return None
    return draft


def run(*, on: datetime.date) -> ScheduleRun:
    done = ScheduleRun()
    done.pre_board = send_pre_board_reminders(on=on)
    if on.weekday() in settings.REMINDER_WEEKDAYS:
        done.regular = reminding.send_reminders(on=on)
    done.drafts = build_cutoff_drafts(on=on)
    done.findings_told = notifying.tell_of_unanswered_findings(on=on)
    return done
