"""The data migration moves an installation from authority text to authorities without loss:
migrate to the state before, write rows as the old schema had them, migrate forward, assert;
then back again."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("authorities", None),
    ("inspections", "0001_initial"),
    ("improvement", "0001_initial"),
    ("boards", "0002_pack"),
]
AFTER = [
    ("authorities", "0001_initial"),
    ("inspections", "0002_inspection_authority_fk"),
    ("improvement", "0002_plan_and_lead_authority"),
    ("boards", "0003_board_authority"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    # project_state names only real migrations; "unapplied" (None) adds nothing to the state.
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.fixture
def old_apps(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def old_installation(apps):
    """Two councils sharing a post, a board over both, an unused lead, a board with no plan."""
    get = apps.get_model
    User, Lead = get("auth", "User"), get("improvement", "Lead")
    Plan, Action = get("improvement", "Plan"), get("improvement", "Action")
    Inspection = get("inspections", "Inspection")
    Board, Meeting = get("boards", "Board"), get("boards", "Meeting")
    officer = User.objects.create(username="officer")
    inspections = [
        Inspection.objects.create(title="Ofsted SIF Wirral 2016", authority="Wirral"),
        Inspection.objects.create(title="Ofsted SIF Otherton 2017", authority="Otherton"),
        Inspection.objects.create(title="Ofsted ILACS Knowsley", authority="Knowsley"),
    ]
    wirral = Plan.objects.create(authority="Wirral", title="Wirral plan", slug="wirral")
    otherton = Plan.objects.create(authority="Otherton", title="Otherton plan", slug="otherton")
    wirral.inspections.add(inspections[0])
    otherton.inspections.add(inspections[1])
    shared = Lead.objects.create(name="Head of HR", name_key="head of hr")
    shared.users.add(officer)
    dcs = Lead.objects.create(name="Director", name_key="director")
    spare = Lead.objects.create(name="Spare post", name_key="spare post")
    Action.objects.create(plan=wirral, reference="W1", text="Wirral's", lead=shared)
    Action.objects.create(plan=wirral, reference="W2", text="Wirral's too", lead=dcs)
    theirs = Action.objects.create(plan=otherton, reference="O1", text="Otherton's")
    theirs.co_leads.add(shared)
    get("improvement", "Risk").objects.create(
        plan=otherton, reference="1", description="r", owner=shared, likelihood=2, impact=3
    )
    get("improvement", "Theme").objects.create(plan=otherton, name="People", lead=shared)
    joint = Board.objects.create(name="Joint board", chair_name="Chair")
    joint.plans.add(wirral, otherton)
    joint.members.add(officer)
    get("boards", "Pack").objects.create(
        plan=otherton, board=joint, as_at=datetime.date(2018, 1, 31), status="building"
    )
    meeting = Meeting.objects.create(board=joint, held_on=datetime.date(2018, 2, 28))
    MeetingAction = get("boards", "MeetingAction")
    MeetingAction.objects.create(meeting=meeting, number=1, text="Report", owner=spare)
    idle = Board.objects.create(name="Idle board")
    idle_meeting = Meeting.objects.create(board=idle, held_on=datetime.date(2018, 3, 1))
    MeetingAction.objects.create(meeting=idle_meeting, number=1, text="Follow up", owner=dcs)


def test_each_council_gets_its_own_authority_and_copy_of_a_shared_post_and_back_again(old_apps):
    old_installation(old_apps)

    apps = migrate(AFTER)

    get = apps.get_model
    Authority, Lead = get("authorities", "Authority"), get("improvement", "Lead")
    by_name = {a.name: a for a in Authority.objects.all()}
    assert {(a.name, a.slug) for a in by_name.values()} == {
        ("Wirral", "wirral"),
        ("Otherton", "otherton"),
        ("Knowsley", "knowsley"),
        ("Unassigned", "unassigned"),
    }
    wirral, otherton = by_name["Wirral"], by_name["Otherton"]
    plans = {p.slug: p.authority_id for p in get("improvement", "Plan").objects.all()}
    assert plans == {"wirral": wirral.pk, "otherton": otherton.pk}
    inspections = get("inspections", "Inspection").objects.values_list("title", "authority__name")
    assert set(inspections) == {
        ("Ofsted SIF Wirral 2016", "Wirral"),
        ("Ofsted SIF Otherton 2017", "Otherton"),
        ("Ofsted ILACS Knowsley", "Knowsley"),
    }

    copies = {lead.authority_id: lead for lead in Lead.objects.filter(name_key="head of hr")}
    assert set(copies) == {wirral.pk, otherton.pk}
    for copy in copies.values():
        assert list(copy.users.values_list("username", flat=True)) == ["officer"]
    Action = get("improvement", "Action")
    assert Action.objects.get(reference="W1").lead == copies[wirral.pk]
    assert list(Action.objects.get(reference="O1").co_leads.all()) == [copies[otherton.pk]]
    assert get("improvement", "Risk").objects.get().owner == copies[otherton.pk]
    assert get("improvement", "Theme").objects.get().lead == copies[otherton.pk]
    assert Action.objects.get(reference="W2").lead.authority_id == wirral.pk

    Board = get("boards", "Board")
    joint = Board.objects.get(name="Joint board", authority=wirral)
    split = Board.objects.get(name="Joint board", authority=otherton)
    assert [p.slug for p in joint.plans.all()] == ["wirral"]
    assert [p.slug for p in split.plans.all()] == ["otherton"]
    assert list(split.members.values_list("username", flat=True)) == ["officer"]
    assert get("boards", "Pack").objects.get().board == split
    assert joint.meetings.count() == 1
    idle = Board.objects.get(name="Idle board")
    assert idle.authority == by_name["Unassigned"]

    # The unused post moved to the board that minuted it; the used one was copied.
    owners = {m.meeting.board.name: m.owner for m in get("boards", "MeetingAction").objects.all()}
    assert (owners["Joint board"].name, owners["Joint board"].authority_id) == (
        "Spare post",
        wirral.pk,
    )
    assert Lead.objects.filter(name_key="spare post").count() == 1
    assert (owners["Idle board"].name, owners["Idle board"].authority) == (
        "Director",
        by_name["Unassigned"],
    )
    assert Lead.objects.filter(name_key="director").count() == 2

    # And back: the text returns, the copies merge into one lead again.
    apps = migrate(BEFORE)

    get = apps.get_model
    plans = dict(get("improvement", "Plan").objects.values_list("slug", "authority"))
    assert plans == {"wirral": "Wirral", "otherton": "Otherton"}
    inspections = dict(get("inspections", "Inspection").objects.values_list("title", "authority"))
    assert inspections["Ofsted ILACS Knowsley"] == "Knowsley"
    Lead = get("improvement", "Lead")
    assert sorted(Lead.objects.values_list("name_key", flat=True)) == [
        "director",
        "head of hr",
        "spare post",
    ]
    shared = Lead.objects.get(name_key="head of hr")
    assert list(shared.users.values_list("username", flat=True)) == ["officer"]
    Action = get("improvement", "Action")
    assert Action.objects.get(reference="W1").lead == shared
    assert list(Action.objects.get(reference="O1").co_leads.all()) == [shared]
    assert get("improvement", "Risk").objects.get().owner == shared
    assert get("improvement", "Theme").objects.get().lead == shared
    director = Lead.objects.get(name_key="director")
    owners = set(get("boards", "MeetingAction").objects.values_list("owner__name_key", flat=True))
    assert owners == {"spare post", "director"}
    assert director.meeting_actions.count() == 1


def test_a_lead_no_plan_uses_goes_to_the_only_authority(old_apps):
    get = old_apps.get_model
    get("improvement", "Plan").objects.create(authority="Wirral ", title="Plan", slug="wirral")
    get("improvement", "Lead").objects.create(name="Spare", name_key="spare")
    get("boards", "Board").objects.create(name="Board")

    apps = migrate(AFTER)

    Authority = apps.get_model("authorities", "Authority")
    assert list(Authority.objects.values_list("name", flat=True)) == ["Wirral"]
    assert apps.get_model("improvement", "Lead").objects.get().authority.name == "Wirral"
    assert apps.get_model("boards", "Board").objects.get().authority.name == "Wirral"
