"""The board's action log in a pack tied to a meeting: the actions minuted at meetings held by the
as-at date, open then or closed at the latest of them, whichever meeting the pack is for."""

import datetime
import re

from boards.models import MeetingAction
from boards.pack.render import render_html
from boards.pack.snapshot import pack_snapshot
from tests import factories


def _log_text(snapshot) -> str:
    html = render_html(snapshot)
    start = html.index('id="board-actions"')
    section = html[start : html.index("</section>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def _meeting_held_days_ago(story, days: int):
    """A meeting of the story's board held before the as-at date, with what it minuted: a new
    action, and the earlier meeting's action it closed."""
    held = factories.MeetingFactory(
        board=story.board, held_on=story.today - datetime.timedelta(days=days)
    )
    factories.MeetingActionFactory(
        meeting=held, number=1, text="Bring the audit of visits", owner_text="Head of Service"
    )
    closed = factories.MeetingActionFactory(
        meeting=story.meeting.board.meetings.order_by("held_on").first(),
        number=3,
        text="Circulate the retention offer",
    )
    closed.status = MeetingAction.ActionStatus.CLOSED
    closed.closed_at = held
    closed.closing_note = "Circulated to members on the day."
    closed.save()
    return held


def test_a_pack_tied_to_a_meeting_already_held_carries_that_meetings_actions(story):
    held = _meeting_held_days_ago(story, 5)

    snapshot = pack_snapshot(plan=story.plan, as_at=story.today, board=story.board, meeting=held)

    log = {row["text"]: row for row in snapshot["meeting_actions"]}
    assert set(log) == {
        "Report agency numbers",
        "Bring the audit of visits",
        "Circulate the retention offer",
    }
    assert log["Bring the audit of visits"]["owner"] == "Head of Service"
    assert log["Bring the audit of visits"]["carried_forward"] is False
    assert log["Report agency numbers"]["carried_forward"] is True
    closed = log["Circulate the retention offer"]
    assert (closed["status"], closed["closed_on"]) == ("closed", held.held_on.isoformat())
    assert closed["note"] == "Circulated to members on the day."
    text = _log_text(snapshot)
    assert f"{held.held_on:%d/%m/%Y} 1 Bring the audit of visits Head of Service" in text
    assert "Open 5 days" in text
    assert "Report agency numbers Carried forward" in text
    assert f"Closed {held.held_on:%d/%m/%Y}" in text
    assert "Circulated to members on the day." in text


def test_a_pack_for_the_next_meeting_carries_the_open_actions_of_those_before_it(story):
    snapshot = pack_snapshot(
        plan=story.plan, as_at=story.today, board=story.board, meeting=story.meeting
    )

    assert [row["text"] for row in snapshot["meeting_actions"]] == ["Report agency numbers"]
    assert "Closed item" not in _log_text(snapshot)


def test_a_meetings_actions_are_not_in_a_pack_dated_before_it_was_held(story):
    held = _meeting_held_days_ago(story, 5)

    snapshot = pack_snapshot(
        plan=story.plan,
        as_at=held.held_on - datetime.timedelta(days=1),
        board=story.board,
        meeting=held,
    )

    assert "Bring the audit of visits" not in [row["text"] for row in snapshot["meeting_actions"]]
