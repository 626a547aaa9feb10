"""The daily schedule (`manage.py run_schedule --on DAY`): the board's pre-board reminders and
the copy to the improvement lead after the second, the regular reminders on their weekday, and
the draft pack built on the cut-off day, not the day before or after. E-mail goes through a real
SMTP server (the `mailbox` fixture)."""

import datetime
import io

import pytest
from django.core.management import call_command

from boards.models import Board, Meeting, ScheduledDraft
from improvement import clock
from improvement.models import PlanRole, ReminderDigest, Status
from improvement.reminding import COPY_SUBJECT, DIGEST_SUBJECT, PRE_BOARD_SUBJECT
from notices.models import Kind, Notification
from notices.services import choose_email
from tests import factories
from tests.conftest import plan_role_holder

D = datetime.date
MEETING = D(2017, 3, 22)  # a Wednesday
CUTOFF = D(2017, 3, 15)  # 7 days before
FIRST_REMINDER, SECOND_REMINDER = D(2017, 3, 8), D(2017, 3, 14)


@pytest.fixture
def board(plan, officer_lead, officer, improvement_lead, settings):
    settings.REMINDER_WEEKDAYS = ()  # only the board's own days, unless a test says otherwise
    board = factories.BoardFactory(
        authority=plan.authority,
        name="Anytown Improvement Board",
        pack_cutoff_days=7,
        reminder_days_before_cutoff=7,
    )
    board.plans.add(plan)
    factories.MeetingFactory(board=board, held_on=MEETING)
    factories.ActionFactory(
        plan=plan,
        reference="A1",
        text="Audit case files",
        lead=officer_lead,
        status=Status.IN_PROGRESS,
        due_on=D(2017, 2, 28),
    )
    return board


def run(day) -> str:
    out = io.StringIO()
    call_command("run_schedule", "--on", day.isoformat(), stdout=out)
    return out.getvalue()


def test_the_board_knows_its_cut_off_and_reminder_days(board):
    meeting = board.meetings.get()
    assert board.cutoff_for(meeting) == CUTOFF
    assert board.reminder_days_for(meeting) == (FIRST_REMINDER, SECOND_REMINDER)


@pytest.mark.parametrize(
    ("cutoff_days", "reminder_days", "cutoff", "reminders"),
    [
        (7, 7, D(2017, 3, 15), (D(2017, 3, 8), D(2017, 3, 14))),
        (0, 2, MEETING, (D(2017, 3, 20), D(2017, 3, 21))),
        (3, 1, D(2017, 3, 19), (D(2017, 3, 18),)),  # one reminder: nobody is copied
        (7, 0, D(2017, 3, 15), (D(2017, 3, 14),)),
    ],
)
def test_the_cut_off_and_reminder_days_rule(cutoff_days, reminder_days, cutoff, reminders):
    board = Board(pack_cutoff_days=cutoff_days, reminder_days_before_cutoff=reminder_days)
    meeting = Meeting(held_on=MEETING)
    assert (board.cutoff_for(meeting), board.reminder_days_for(meeting)) == (cutoff, reminders)


def test_leads_are_reminded_before_the_cut_off_and_the_second_reminder_is_copied_to_the_lead(
    board, plan, officer, improvement_lead, foreign_plan, mailbox
):
    otherton_lead = plan_role_holder(
        foreign_plan, username="otherton_lead", role=PlanRole.Role.IMPROVEMENT_LEAD
    )
    run(FIRST_REMINDER - datetime.timedelta(days=1))
    assert mailbox.arrived == []

    run(FIRST_REMINDER)
    run(FIRST_REMINDER)  # run twice: one e-mail

    [first] = mailbox.to(officer.email)
    assert first.subject == PRE_BOARD_SUBJECT % {"count": 1}
    assert "before the board pack is cut off" in first.text
    assert "A1: Audit case files" in first.text
    assert mailbox.to(improvement_lead.email) == []

    run(SECOND_REMINDER)

    assert len(mailbox.to(officer.email)) == 2
    [copy] = mailbox.to(improvement_lead.email)
    assert copy.subject == COPY_SUBJECT % {"who": "Olive Officer", "plan": plan.title}
    assert "A copy of the reminders sent to Olive Officer" in copy.text
    assert "https://tracker.council.example/plans/anytown/actions/A1/update/" in copy.text
    second = ReminderDigest.objects.get(user=officer, sent_on=SECOND_REMINDER)
    assert (second.occasion, list(second.copied_to.all())) == ("pre_board", [improvement_lead])
    assert mailbox.to(otherton_lead.email) == []
    assert mailbox.recipients() == sorted([officer.email] * 2 + [improvement_lead.email])


def test_an_improvement_lead_who_turned_reminders_off_is_not_copied(
    board, officer, improvement_lead, mailbox
):
    choose_email(user=improvement_lead, by_email={Kind.REMINDER: False})
    run(FIRST_REMINDER)
    run(SECOND_REMINDER)

    assert len(mailbox.to(officer.email)) == 2
    assert mailbox.to(improvement_lead.email) == []


def test_the_regular_reminders_go_on_their_weekday_only(board, officer, settings, mailbox):
    settings.REMINDER_WEEKDAYS = (0,)
    run(D(2017, 3, 7))  # a Tuesday
    assert mailbox.arrived == []

    run(D(2017, 3, 6))  # a Monday
    [digest] = mailbox.to(officer.email)
    assert digest.subject == DIGEST_SUBJECT % {"count": 1}


def test_the_cut_off_builds_a_draft_on_its_day_only_once_and_tells_the_improvement_lead(
    board, plan, improvement_lead, officer, mailbox
):
    run(CUTOFF - datetime.timedelta(days=1))
    assert not ScheduledDraft.objects.exists()

    out = run(CUTOFF)
    run(CUTOFF)
    run(CUTOFF + datetime.timedelta(days=1))

    assert "1 draft pack(s) at the cut-off" in out
    [draft] = ScheduledDraft.objects.all()
    assert (draft.plan, draft.as_at, draft.meeting.held_on) == (plan, CUTOFF, MEETING)
    assert draft.snapshot["as_at"] == CUTOFF.isoformat()
    assert not plan.packs.exists()  # a draft is not issued
    [told] = Notification.objects.filter(kind=Kind.DRAFT_PACK)
    assert told.user == improvement_lead
    assert told.link == f"/boards/{board.pk}/plans/anytown/packs/new/"
    [mail] = mailbox.to(improvement_lead.email)
    assert "Draft board pack to check" in mail.subject
    assert Notification.objects.filter(user=officer, kind=Kind.DRAFT_PACK).count() == 0


def test_a_board_with_another_cut_off_rule_builds_its_draft_on_its_own_day(board, plan):
    board.pack_cutoff_days = 3
    board.save()
    run(CUTOFF)
    assert not ScheduledDraft.objects.exists()
    run(MEETING - datetime.timedelta(days=3))
    assert ScheduledDraft.objects.get().as_at == D(2017, 3, 19)


def test_the_issue_page_offers_the_cut_off_draft_to_check_and_issue(
    board, plan, improvement_lead, client
):
    run(CUTOFF)
    client.force_login(improvement_lead)
    with clock.pinned(CUTOFF + datetime.timedelta(days=1)):
        page = client.get(f"/boards/{board.pk}/plans/anytown/packs/new/").content.decode()

    assert "was cut off on 15 March 2017" in page
    assert f"/boards/{board.pk}/plans/anytown/packs/draft/?as_at=15/03/2017" in page
    assert 'value="15/03/2017"' in page  # the as-at date, ready to issue
    meeting = board.meetings.get()
    assert f'<option value="{meeting.pk}" selected>' in page

    with clock.pinned(MEETING + datetime.timedelta(days=1)):
        later = client.get(f"/boards/{board.pk}/plans/anytown/packs/new/").content.decode()
    assert "was cut off" not in later


def test_the_schedule_also_tells_the_improvement_lead_of_findings_still_without_an_action(
    board, plan, improvement_lead, settings
):
    settings.UNANSWERED_FINDING_DAYS = 28
    visit = factories.MonitoringVisitFactory(
        plans=[plan], visited_on=D(2017, 1, 10), letter_on=None
    )
    factories.FindingFactory(visit=visit, reference="1")

    assert "1 notification(s) about unanswered findings" in run(D(2017, 3, 1))
    assert "0 notification(s) about unanswered findings" in run(D(2017, 3, 1))
    [told] = Notification.objects.filter(kind=Kind.UNANSWERED_FINDING)
    assert told.user == improvement_lead
