"""Each event is told once, to the people it concerns and nobody else, by e-mail through a real
SMTP server and on each person's Notifications page."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command

from boards import minutes, notifying
from boards.services import issue_pack
from improvement import services
from improvement.models import Status
from notices.models import Kind, Notification
from tests import factories

EVIDENCE = "Audit of 40 cases shows plans reviewed on time."


def ask_sign_off(council):
    council.action.refresh_from_db()
    return services.request_sign_off(
        action=council.action,
        by=council.officer,
        expected_version=council.action.version,
        impact_evidence=EVIDENCE,
        commentary="All reviews are now done on time.",
    )


def addresses(*users):
    return sorted(user.email for user in users)


def test_an_issued_pack_is_announced_once_to_the_board_and_its_secretary_with_a_link(
    anytown, otherton, mailbox, run_on_commit
):
    anytown.board.members.add(otherton[2])  # another council's officer, wrongly on the board

    pack = run_on_commit(
        issue_pack,
        plan=anytown.plan,
        board=anytown.board,
        as_at=datetime.date.today(),
        by=anytown.improvement_lead,
    )

    pack.refresh_from_db()
    assert pack.status == pack.PackStatus.ISSUED
    assert mailbox.recipients() == addresses(anytown.chair, anytown.member, anytown.secretary)
    for arrived in mailbox.arrived:
        assert arrived.subject.startswith("Board pack issued: Anytown improvement plan")
        assert f"https://tracker.council.example{pack.get_absolute_url()}" in arrived.text
        assert f'href="https://tracker.council.example{pack.get_absolute_url()}"' in arrived.html
        assert list(arrived.message.iter_attachments()) == []
    # Run again (a retried task), nobody hears twice.
    assert notifying.pack_issued(pack.pk) == []
    assert len(mailbox.arrived) == 3
    assert Notification.objects.filter(kind=Kind.PACK_ISSUED).count() == 3


def test_a_board_member_invited_to_the_plan_hears_of_the_pack_as_the_boards_own_do(
    anytown, mailbox, run_on_commit
):
    invited = factories.UserFactory(username="invited", email="partner@police.example")
    anytown.plan.roles.create(user=invited, role="board_member")

    run_on_commit(
        issue_pack,
        plan=anytown.plan,
        board=anytown.board,
        as_at=datetime.date.today(),
        by=anytown.improvement_lead,
    )

    assert mailbox.recipients() == addresses(
        anytown.chair, anytown.member, anytown.secretary, invited
    )


def test_a_sign_off_request_is_told_to_the_plans_improvement_leads_only(
    anytown, otherton, mailbox, run_on_commit
):
    run_on_commit(ask_sign_off, anytown)

    assert mailbox.recipients() == addresses(anytown.improvement_lead, anytown.second_lead)
    arrived = mailbox.to(anytown.improvement_lead.email)[0]
    assert arrived.subject == "A1 asks for sign-off"
    assert "/plans/anytown/actions/A1/sign-off/" in arrived.text
    assert "/plans/anytown/actions/A1/sign-off/" in arrived.html


def test_an_officer_marking_the_action_complete_on_the_update_page_asks_the_leads_too(
    anytown, mailbox, run_on_commit
):
    run_on_commit(
        services.update_action,
        action=anytown.action,
        by=anytown.officer,
        expected_version=anytown.action.version,
        status=Status.COMPLETE,
        impact_evidence=EVIDENCE,
        commentary="Done.",
    )

    assert mailbox.recipients() == addresses(anytown.improvement_lead, anytown.second_lead)


def test_an_action_sent_back_tells_the_officer_who_asked_with_the_reason(
    anytown, otherton, mailbox, run_on_commit
):
    ask_sign_off(anytown)  # not committed: its notification is not this test's subject
    anytown.action.refresh_from_db()

    run_on_commit(
        services.send_back,
        action=anytown.action,
        by=anytown.improvement_lead,
        expected_version=anytown.action.version,
        reason="The audit covers only one team.",
    )

    [arrived] = mailbox.arrived
    assert arrived.recipients == [anytown.officer.email]
    assert arrived.subject == "A1 was sent back"
    assert "The reason: The audit covers only one team." in arrived.text
    assert "The audit covers only one team." in arrived.html
    [listed] = Notification.objects.filter(user=anytown.officer)
    assert listed.kind == Kind.SENT_BACK
    assert listed.authority == anytown.plan.authority


def test_a_meeting_action_is_told_to_the_users_of_its_owner(anytown, mailbox, run_on_commit):
    meeting = factories.MeetingFactory(board=anytown.board, held_on=datetime.date(2018, 3, 5))
    owner = anytown.action.lead

    run_on_commit(
        minutes.record_meeting_action,
        meeting=meeting,
        by=anytown.secretary,
        text="Bring the audit of supervision to the next meeting.",
        owner=owner,
        due_text="next meeting",
    )

    [arrived] = mailbox.arrived
    assert arrived.recipients == [anytown.officer.email]
    assert arrived.subject == "A board action for you: Anytown Improvement Board, 5 March 2018"
    assert "Bring the audit of supervision to the next meeting." in arrived.text
    assert "Due: next meeting." in arrived.text
    # The officer cannot read the board's pages, so the link is their own actions page.
    assert "https://tracker.council.example/" in arrived.text.splitlines()


def test_a_meeting_action_with_no_owner_or_another_councils_lead_tells_nobody(
    anytown, foreign_action, mailbox, run_on_commit
):
    meeting = factories.MeetingFactory(board=anytown.board)
    run_on_commit(
        minutes.record_meeting_action,
        meeting=meeting,
        by=anytown.secretary,
        text="Nobody named.",
        due_text="next meeting",
    )
    item = factories.MeetingActionFactory(meeting=meeting, number=2, owner=foreign_action.lead)

    assert notifying.meeting_action_assigned(item.pk) == []
    assert mailbox.arrived == []


@pytest.fixture
def findings(anytown, foreign_plan):
    old_visit = factories.MonitoringVisitFactory(
        plans=[anytown.plan], visited_on=datetime.date(2018, 1, 10), letter_on=None
    )
    unanswered = factories.FindingFactory(visit=old_visit, reference="1")
    answered = factories.FindingFactory(visit=old_visit, reference="2")
    anytown.action.findings.add(answered, through_defaults={})
    recent_visit = factories.MonitoringVisitFactory(
        plans=[anytown.plan], visited_on=datetime.date(2018, 3, 1)
    )
    factories.FindingFactory(visit=recent_visit, reference="1")
    foreign_visit = factories.MonitoringVisitFactory(
        plans=[foreign_plan], authority=foreign_plan.authority, visited_on=old_visit.visited_on
    )
    factories.FindingFactory(visit=foreign_visit, reference="1")
    return unanswered


def test_a_finding_with_no_action_after_n_days_is_told_to_the_improvement_leads_once(
    anytown, otherton, findings, mailbox
):
    for _ in range(2):
        call_command("notify_unanswered_findings", "--on", "2018-03-10", "--days", "28")

    about_anytown = [each for each in mailbox.arrived if "/plans/anytown/" in each.text]
    assert sorted(a for each in about_anytown for a in each.recipients) == addresses(
        anytown.improvement_lead, anytown.second_lead
    )
    arrived = mailbox.to(anytown.improvement_lead.email)[0]
    assert arrived.subject == "Finding 1 still has no action"
    assert f"/plans/anytown/visits/{findings.visit_id}/#finding-{findings.pk}" in arrived.text
    # Otherton's lead hears of Otherton's own finding only.
    [theirs] = mailbox.to(otherton[0].email)
    assert "/plans/otherton/" in theirs.text
    assert len(mailbox.arrived) == 3


def test_a_user_turns_off_e_mail_for_a_kind_and_still_finds_it_on_their_page(
    anytown, mailbox, run_on_commit, client
):
    client.force_login(anytown.second_lead)
    page = client.get("/notifications/settings/").content.decode()
    assert re.search(r'<input[^>]*name="sign_off_requested"[^>]*checked', page)
    kept_on = {kind: "on" for kind in Kind.values if kind != Kind.SIGN_OFF_REQUESTED}
    assert client.post("/notifications/settings/", kept_on).status_code == 302

    run_on_commit(ask_sign_off, anytown)

    assert mailbox.recipients() == addresses(anytown.improvement_lead)
    listed = client.get("/notifications/").content.decode()
    assert "A1 asks for sign-off" in listed
    assert 'href="/plans/anytown/actions/A1/sign-off/"' in listed


def test_each_user_sees_only_their_own_notifications_and_marks_them_read(
    anytown, mailbox, run_on_commit, client
):
    run_on_commit(ask_sign_off, anytown)

    client.force_login(anytown.officer)
    assert "A1 asks for sign-off" not in client.get("/notifications/").content.decode()
    client.force_login(anytown.improvement_lead)
    page = client.get("/notifications/").content.decode()
    assert "A1 asks for sign-off" in page
    assert "New" in page
    assert 'href="/notifications/"' in page  # the navigation links the page

    client.post("/notifications/")

    [mine] = Notification.objects.filter(user=anytown.improvement_lead)
    assert mine.read_at is not None
    assert Notification.objects.filter(user=anytown.second_lead, read_at__isnull=True).exists()


def test_without_a_mail_server_notifications_are_only_listed(anytown, settings, run_on_commit):
    settings.EMAIL_CONFIGURED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    run_on_commit(ask_sign_off, anytown)

    assert mail.outbox == []
    listed = Notification.objects.filter(kind=Kind.SIGN_OFF_REQUESTED)
    assert sorted(listed.values_list("user__username", "emailed_at")) == [
        ("improvement_lead", None),
        ("second_lead", None),
    ]
