"""A board's meetings in the site: the secretary records the meeting, its decisions and the
actions arising; open actions are carried forward; a decision can move or close a plan action,
and that action's timeline links back to the decision."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from boards import minutes
from boards.models import Attendance, Decision, Meeting, MeetingAction
from improvement.models import Action, PlanRole, ProgressUpdate, Status
from tests import factories
from tests.conftest import plan_role_holder

MARCH = datetime.date(2027, 3, 14)
APRIL = datetime.date(2027, 4, 11)
MAY = datetime.date(2027, 5, 9)


@pytest.fixture
def board(plan):
    board = factories.BoardFactory(name="Anytown Improvement Board", authority=plan.authority)
    board.plans.add(plan)
    return board


@pytest.fixture
def secretary(plan):
    return plan_role_holder(plan, username="secretary", role=PlanRole.Role.BOARD_SECRETARY)


@pytest.fixture
def march(board, secretary):
    return minutes.record_meeting(
        board=board,
        by=secretary,
        held_on=MARCH,
        title="Monthly board",
        present=minutes.read_people("Independent Chair, Chair\nDirector of Children's Services"),
        apologies=minutes.read_people("Chief Superintendent, Police"),
        minutes="The board reviewed the pack.",
    )


@pytest.fixture
def april(board, secretary, march):
    return minutes.record_meeting(board=board, by=secretary, held_on=APRIL)


@pytest.fixture
def late_action(plan, officer_lead):
    return factories.ActionFactory(
        plan=plan,
        reference="MAR17-3",
        lead=officer_lead,
        due_on=datetime.date(2027, 3, 31),
        status=Status.IN_PROGRESS,
    )


def test_the_secretary_records_a_meeting_with_who_came_and_who_sent_apologies(march):
    people = {(a.kind, a.name, a.role) for a in march.attendance.all()}

    assert people == {
        (Attendance.Kind.PRESENT, "Independent Chair", "Chair"),
        (Attendance.Kind.PRESENT, "Director of Children's Services", ""),
        (Attendance.Kind.APOLOGIES, "Chief Superintendent", "Police"),
    }
    assert march.history.count() == 1


def test_an_action_open_at_the_next_meeting_is_carried_forward_and_closed_there_with_a_note(
    march, april, secretary, officer_lead
):
    item = minutes.record_meeting_action(
        meeting=march,
        by=secretary,
        text="Report on agency staff",
        owner=officer_lead,
        due_text="next meeting",
    )
    may = minutes.record_meeting(board=march.board, by=secretary, held_on=MAY)

    assert list(april.carried_forward()) == [item]
    minutes.close_meeting_action(item=item, at_meeting=april, by=secretary, note="Reported.")

    item.refresh_from_db()
    assert (item.status, item.closed_at, item.closing_note) == ("closed", april, "Reported.")
    assert list(april.carried_forward()) == [item]  # shown as closed where it was closed
    assert list(may.carried_forward()) == []
    assert list(march.carried_forward()) == []


def test_an_action_cannot_be_closed_without_saying_how_nor_at_an_earlier_meeting(
    march, april, secretary
):
    item = minutes.record_meeting_action(meeting=april, by=secretary, text="X", due_on=MAY)

    with pytest.raises(ValidationError, match="Say how"):
        minutes.close_meeting_action(item=item, at_meeting=april, by=secretary, note=" ")
    with pytest.raises(ValidationError, match="or a later one"):
        minutes.close_meeting_action(item=item, at_meeting=march, by=secretary, note="Done")
    with pytest.raises(ValidationError, match="next meeting"):
        minutes.record_meeting_action(meeting=april, by=secretary, text="No date")
    item.refresh_from_db()
    assert item.status == MeetingAction.ActionStatus.OPEN


def test_a_decision_approving_a_revised_due_date_moves_the_action_and_shows_on_its_timeline(
    client, march, secretary, late_action, chair
):
    before = late_action.version

    decision = minutes.record_decision(
        meeting=march,
        by=secretary,
        text="Revised date agreed: the audit team starts in May.",
        kind=Decision.Kind.REVISED_DUE_DATE,
        action=late_action,
        revised_due_on=datetime.date(2027, 6, 30),
    )

    late_action.refresh_from_db()
    update = ProgressUpdate.objects.get(action=late_action, action_version=before + 1)
    assert late_action.due_on == datetime.date(2027, 6, 30)
    assert late_action.history.filter(version=before + 1).count() == 1
    assert late_action.updates.count() == 1
    assert update.decision_url == decision.get_absolute_url()
    assert "decision 1" in update.reason
    client.force_login(chair)
    page = client.get(late_action.get_absolute_url()).content.decode()
    assert f'href="{decision.get_absolute_url()}"' in page
    meeting_page = client.get(march.get_absolute_url()).content.decode()
    assert 'id="decision-1"' in meeting_page
    assert "Approves a revised due date of 30/06/2027" in meeting_page


def test_a_decision_approving_a_closure_closes_the_action(march, secretary, late_action):
    minutes.record_decision(
        meeting=march,
        by=secretary,
        text="Closed: superseded by the new recruitment plan.",
        kind=Decision.Kind.CLOSURE,
        action=late_action,
    )

    late_action.refresh_from_db()
    assert late_action.status == Status.CLOSED
    with pytest.raises(ValidationError, match="already complete or closed"):
        minutes.record_decision(
            meeting=march,
            by=secretary,
            text="Again",
            kind=Decision.Kind.CLOSURE,
            action=late_action,
        )
    assert march.decisions.count() == 1


def test_a_decision_about_another_councils_action_or_without_its_date_is_refused(
    march, secretary, late_action, foreign_action
):
    with pytest.raises(ValidationError, match="a plan this board oversees"):
        minutes.record_decision(
            meeting=march,
            by=secretary,
            text="No",
            kind=Decision.Kind.CLOSURE,
            action=foreign_action,
        )
    with pytest.raises(ValidationError, match="revised due date"):
        minutes.record_decision(
            meeting=march,
            by=secretary,
            text="No",
            kind=Decision.Kind.REVISED_DUE_DATE,
            action=late_action,
        )

    assert march.decisions.count() == 0
    assert Action.objects.get(pk=foreign_action.pk).status == foreign_action.status


def test_the_minutes_are_agreed_at_the_following_meeting(march, april, secretary):
    with pytest.raises(ValidationError, match="first meeting"):
        minutes.agree_minutes(at_meeting=march, by=secretary)

    minutes.agree_minutes(at_meeting=april, by=secretary)

    march.refresh_from_db()
    assert march.minutes_agreed_at == april


def test_a_second_editor_of_a_meeting_is_refused_and_nothing_of_theirs_is_saved(
    march, secretary, improvement_lead
):
    opened = march.version
    minutes.edit_meeting(
        meeting=march,
        by=improvement_lead,
        expected_version=opened,
        held_on=MARCH,
        minutes="The lead's minutes.",
    )

    with pytest.raises(ValidationError, match="Someone else changed this meeting"):
        minutes.edit_meeting(
            meeting=march,
            by=secretary,
            expected_version=opened,
            held_on=MARCH,
            minutes="The secretary's minutes.",
        )
    march.refresh_from_db()
    assert march.minutes == "The lead's minutes."


def test_chairs_members_and_officers_read_but_never_record(
    march, chair, officer, late_action, improvement_lead
):
    for reader in (chair, officer):
        with pytest.raises(PermissionDenied):
            minutes.record_decision(meeting=march, by=reader, text="Not theirs")
    assert minutes.can_read_board(chair, march.board)
    assert not minutes.can_read_board(officer, march.board)
    assert minutes.can_record_meetings_of(improvement_lead, march.board)


def test_a_secretary_of_another_board_cannot_open_or_edit_this_boards_meetings(
    client, march, foreign_plan
):
    other_board = factories.BoardFactory(authority=foreign_plan.authority)
    other_board.plans.add(foreign_plan)
    stranger = plan_role_holder(
        foreign_plan, username="other_secretary", role=PlanRole.Role.BOARD_SECRETARY
    )
    client.force_login(stranger)

    assert client.get(march.get_absolute_url()).status_code == 404
    edit = reverse("boards:meeting_edit", kwargs={"pk": march.pk})
    response = client.post(edit, {"held_on": "01/01/2027", "version": march.version})
    assert response.status_code == 404
    assert Meeting.objects.get(pk=march.pk).held_on == MARCH


def test_the_secretary_records_a_meeting_decision_and_action_through_the_pages(
    client, board, secretary, late_action, officer_lead
):
    client.force_login(secretary)
    response = client.post(
        reverse("boards:meeting_new", kwargs={"pk": board.pk}),
        {"held_on": "14/03/2027", "present": "Independent Chair, Chair", "apologies": ""},
    )
    meeting = Meeting.objects.get(board=board)
    assert response["Location"] == meeting.get_absolute_url()

    client.post(
        reverse("boards:decision_new", kwargs={"pk": meeting.pk}),
        {"text": "Close it.", "kind": "closure", "action": late_action.pk},
    )
    client.post(
        reverse("boards:meeting_action_new", kwargs={"pk": meeting.pk}),
        {"text": "Bring the audit", "owner": officer_lead.pk, "due_text": "next meeting"},
    )
    refused = client.post(
        reverse("boards:decision_new", kwargs={"pk": meeting.pk}),
        {"text": "Move it.", "kind": "revised_due_date"},
    )

    assert Action.objects.get(pk=late_action.pk).status == Status.CLOSED
    assert meeting.actions.get().owner == officer_lead
    assert refused.status_code == 200
    assert "Choose the action this decision is about." in refused.content.decode()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Bring the audit" in page
    assert "Next meeting" in page


def test_the_board_page_marks_superseded_packs_and_lists_meetings(
    client, board, plan, chair, march, improvement_lead
):
    first = factories.PackFactory(plan=plan, board=board, as_at=MARCH, issued_by=improvement_lead)
    factories.PackFactory(
        plan=plan,
        board=board,
        as_at=MARCH,
        version=2,
        reason="Wrong RAG for 3.1",
        issued_by=improvement_lead,
    )
    client.force_login(chair)

    page = client.get(reverse("boards:board", kwargs={"pk": board.pk})).content.decode()

    assert "Superseded by version 2" in page
    assert page.count("Superseded by version") == 1
    assert "March 2027" in page
    assert march.get_absolute_url() in page
    assert first.version == 1


@pytest.mark.parametrize("rows", [5, 50])
def test_the_meeting_page_costs_the_same_for_5_and_50_actions_and_decisions(
    client, march, secretary, late_action, rows, django_assert_num_queries
):
    for n in range(rows):
        minutes.record_meeting_action(meeting=march, by=secretary, text=f"Item {n}", due_on=MAY)
        minutes.record_decision(meeting=march, by=secretary, text=f"Decision {n}")
    april_meeting = minutes.record_meeting(board=march.board, by=secretary, held_on=APRIL)
    client.force_login(secretary)
    client.get("/")  # the session's idle clock, written on the first request only

    with django_assert_num_queries(MEETING_PAGE_QUERIES):
        response = client.get(april_meeting.get_absolute_url())
    assert response.status_code == 200
    with django_assert_num_queries(MEETING_PAGE_QUERIES):
        client.get(march.get_absolute_url())


MEETING_PAGE_QUERIES = 13


@pytest.mark.parametrize("rows", [5, 50])
def test_the_board_page_costs_the_same_for_5_and_50_meetings_and_packs(
    client, board, plan, chair, improvement_lead, secretary, rows, django_assert_num_queries
):
    for n in range(rows):
        day = MARCH + datetime.timedelta(days=7 * n)
        meeting = factories.MeetingFactory(board=board, held_on=day)
        factories.PackFactory(
            plan=plan, board=board, meeting=meeting, as_at=day, issued_by=improvement_lead
        )
    board.members.add(chair)
    client.force_login(chair)

    with django_assert_num_queries(BOARD_PAGE_QUERIES):
        response = client.get(reverse("boards:board", kwargs={"pk": board.pk}))
    assert response.status_code == 200


BOARD_PAGE_QUERIES = 15
