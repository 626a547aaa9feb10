"""Every write to a board's meetings: the meeting and its attendance, decisions, the action log.

Board secretaries and improvement leads of a plan the board oversees record them; chairs and
members read them. Each write is one atomic function that asks permission once and locks the
meeting once, as the action writes do (docs/architecture.md, "One write path"). A decision that
approves a plan action's revised due date or closure changes the action through the action's own
write path, and the action's timeline links back to the decision.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from boards.models import Attendance, Board, Decision, Meeting, MeetingAction
from boards.notifying import tell_meeting_action_assigned
from improvement import services as action_services
from improvement.models import Action
from improvement.permissions import can_read_packs, can_record_meetings
from notices.services import tell_on_commit

NOT_ALLOWED = "Only a board secretary or improvement lead of this board's plans can do this."
STALE_MEETING = (
    "Someone else changed this meeting after you opened it. Nothing of yours was saved: "
    "open it again to see their change."
)
MEETING_ON_THAT_DAY = "This board already has a meeting on that day."
ACTION_NOT_ON_BOARD = "Choose an action of a plan this board oversees."
ACTION_NEEDED = "Choose the action this decision is about."
REVISED_DATE_NEEDED = "Give the revised due date the board approved."
ALREADY_CLOSED = "This action was already closed."
CLOSING_NOTE_NEEDED = "Say how the action was dealt with."
CLOSED_BEFORE_RAISED = "An action can only be closed at the meeting that raised it or a later one."
NO_EARLIER_MEETING = "This is the board's first meeting: there are no earlier minutes to agree."
DUE_NEEDED = 'Give a due date, or say when, such as "next meeting".'


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""


def read_people(text: str) -> list[Person]:
    """One person a line, "Name, role" as minutes write them; blank lines are skipped."""
    people = []
    for line in text.splitlines():
        name, _, role = line.strip().partition(",")
        if name.strip():
            people.append(Person(name=name.strip(), role=role.strip()))
    return people


def can_read_board(user, board: Board) -> bool:
    return any(can_read_packs(user, plan) for plan in board.own_plans())


def can_record_meetings_of(user, board: Board) -> bool:
    return any(can_record_meetings(user, plan) for plan in board.own_plans())


def _require(user, board: Board) -> None:
    if not can_record_meetings_of(user, board):
        raise PermissionDenied(NOT_ALLOWED)


def _lock(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_related("board").select_for_update(of=("self",)).get(pk=meeting.pk)
    )


def _check_day_free(board: Board, held_on: datetime.date, *, meeting: Meeting | None = None):
    taken = board.meetings.filter(held_on=held_on)
    if meeting is not None:
        taken = taken.exclude(pk=meeting.pk)
    if taken.exists():
        raise ValidationError({"held_on": MEETING_ON_THAT_DAY})


def _set_attendance(meeting: Meeting, *, present, in_attendance, apologies) -> None:
    meeting.attendance.all().delete()
    rows = [
        Attendance(meeting=meeting, name=person.name, role=person.role, kind=kind, order=order)
        for kind, people in (
            (Attendance.Kind.PRESENT, present),
            (Attendance.Kind.IN_ATTENDANCE, in_attendance),
            (Attendance.Kind.APOLOGIES, apologies),
        )
        for order, person in enumerate(people)
    ]
    names = [row.name for row in rows]
    if len(names) != len(set(names)):
        raise ValidationError({"present": "Each person is listed once."})
    Attendance.objects.bulk_create(rows)


MEETING_FIELDS = ("held_on", "title", "location", "agenda", "minutes", "next_meeting_text")


@transaction.atomic
def record_meeting(
    *, board: Board, by, held_on, present=(), in_attendance=(), apologies=(), **fields
) -> Meeting:
    _require(by, board)
    _check_day_free(board, held_on)
    meeting = Meeting(board=board, held_on=held_on, **fields)
    meeting.full_clean(validate_unique=False)
    meeting._history_user = by
    meeting.save()
    _set_attendance(meeting, present=present, in_attendance=in_attendance, apologies=apologies)
    return meeting


@transaction.atomic
def edit_meeting(
    *,
    meeting: Meeting,
    by,
    expected_version: int,
    present=(),
    in_attendance=(),
    apologies=(),
    **fields,
) -> Meeting:
    _require(by, meeting.board)
    locked = _lock(meeting)
    if locked.version != expected_version:
        raise ValidationError(STALE_MEETING, code="stale")
    _check_day_free(locked.board, fields.get("held_on", locked.held_on), meeting=locked)
    for name, value in fields.items():
        if name not in MEETING_FIELDS:
            raise TypeError(name)
        setattr(locked, name, value)
    locked.version += 1
    locked.full_clean(validate_unique=False)
    locked._history_user = by
    locked.save()
    _set_attendance(locked, present=present, in_attendance=in_attendance, apologies=apologies)
    return locked


def _next_number(rows) -> int:
    return (rows.aggregate(last=Max("number"))["last"] or 0) + 1


def _check_decision(board: Board, *, kind, action, revised_due_on) -> None:
    if kind == Decision.Kind.NOTED:
        return
    if action is None:
        raise ValidationError({"action": ACTION_NEEDED})
    if not board.own_plans().filter(pk=action.plan_id).exists():
        raise ValidationError({"action": ACTION_NOT_ON_BOARD})
    if kind == Decision.Kind.REVISED_DUE_DATE and revised_due_on is None:
        raise ValidationError({"revised_due_on": REVISED_DATE_NEEDED})


@transaction.atomic
def record_decision(
    *,
    meeting: Meeting,
    by,
    text: str,
    kind: str = Decision.Kind.NOTED,
    action: Action | None = None,
    revised_due_on: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> Decision:
    """The decision, numbered in its meeting; one about an action also changes the action."""
    _require(by, meeting.board)
    locked = _lock(meeting)
    _check_decision(locked.board, kind=kind, action=action, revised_due_on=revised_due_on)
    decision = Decision(
        meeting=locked,
        number=_next_number(locked.decisions),
        text=text.strip(),
        kind=kind,
        action=action if kind != Decision.Kind.NOTED else None,
        revised_due_on=revised_due_on if kind == Decision.Kind.REVISED_DUE_DATE else None,
        recorded_by=by,
        recorded_at=at or timezone.now(),
    )
    decision.full_clean(exclude=["meeting", "action", "recorded_by"])
    decision._history_user = by
    decision.save()
    _carry_out(decision, by=by, at=at)
    return decision


def _carry_out(decision: Decision, *, by, at) -> None:
    if decision.kind == Decision.Kind.NOTED:
        return
    words = (
        f"{decision.meeting.board.name}, {decision.meeting.held_on:%-d %B %Y}, "
        f"decision {decision.number}: {decision.text}"
    )
    action = Action.objects.get(pk=decision.action_id)
    if decision.kind == Decision.Kind.REVISED_DUE_DATE:
        action_services.approve_revised_due_date(
            action=action,
            by=by,
            due_on=decision.revised_due_on,
            decision=words,
            decision_url=decision.get_absolute_url(),
            at=at,
        )
    else:
        action_services.approve_closure(
            action=action, by=by, decision=words, decision_url=decision.get_absolute_url(), at=at
        )


@transaction.atomic
def record_meeting_action(
    *,
    meeting: Meeting,
    by,
    text: str,
    owner=None,
    owner_text: str = "",
    due_on: datetime.date | None = None,
    due_text: str = "",
    agenda_item: str = "",
) -> MeetingAction:
    """An action arising, numbered in its meeting: due on a date or "next meeting"."""
    _require(by, meeting.board)
    locked = _lock(meeting)
    if due_on is None and not due_text.strip():
        raise ValidationError({"due_on": DUE_NEEDED})
    item = MeetingAction(
        meeting=locked,
        number=_next_number(locked.actions),
        text=text.strip(),
        owner=owner,
        owner_text=owner_text.strip(),
        due_on=due_on,
        due_text=due_text.strip(),
        agenda_item=agenda_item.strip(),
    )
    item.full_clean(exclude=["meeting"])
    item._history_user = by
    item.save()
    if owner is not None:
        tell_on_commit(tell_meeting_action_assigned, item.pk)
    return item


@transaction.atomic
def close_meeting_action(
    *, item: MeetingAction, at_meeting: Meeting, by, note: str
) -> MeetingAction:
    """Closed at a meeting (the one that raised it, or a later one), with how it was dealt with."""
    _require(by, at_meeting.board)
    _lock(at_meeting)
    locked = (
        MeetingAction.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=item.pk)
    )
    if (
        locked.meeting.board_id != at_meeting.board_id
        or locked.meeting.held_on > at_meeting.held_on
    ):
        raise ValidationError({"closing_note": CLOSED_BEFORE_RAISED})
    if locked.status == MeetingAction.ActionStatus.CLOSED:
        raise ValidationError({"closing_note": ALREADY_CLOSED})
    if not note.strip():
        raise ValidationError({"closing_note": CLOSING_NOTE_NEEDED})
    locked.status = MeetingAction.ActionStatus.CLOSED
    locked.closed_at = at_meeting
    locked.closing_note = note.strip()
    locked._history_user = by
    locked.save()
    return locked


@transaction.atomic
def agree_minutes(*, at_meeting: Meeting, by) -> Meeting:
    """The previous meeting's minutes agreed as a true record at this one."""
    _require(by, at_meeting.board)
    previous = at_meeting.previous()
    if previous is None:
        raise ValidationError(NO_EARLIER_MEETING)
    locked = _lock(previous)
    locked.minutes_agreed_at = at_meeting
    locked.version += 1
    locked._history_user = by
    locked.save()
    return locked
