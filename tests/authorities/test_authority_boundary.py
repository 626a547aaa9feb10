"""One installation, several councils, and nothing crosses from one to another: a post of the
same name in two councils is two leads, and a lead of one council grants nothing in another's
plan, even when the database says otherwise."""

import datetime
import json
from io import StringIO

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from boards.admin import BoardAdminForm
from boards.models import Board, MeetingAction
from boards.pack.snapshot import pack_snapshot
from improvement.admin.actions import ActionAdminForm
from improvement.importing.resources import ActionResource
from improvement.importing.widgets import LeadBook
from improvement.management.commands.import_plan import AUTHORITY_NEEDED
from improvement.models import Action, Lead, Plan, ProgressUpdate, Rag, Risk, Status, Theme
from improvement.permissions import can_update_action, can_view_plan, plans_visible_to
from inspections.models import INSPECTION_TITLE_TAKEN, Inspection
from tests import factories
from tests.improvement.workbooks import xlsx

POST = "Deputy Director Children’s Care Services"


@pytest.fixture
def wirral(db):
    return factories.AuthorityFactory(name="Wirral Council")


@pytest.fixture
def wirral_officer(wirral):
    """Wirral's officer, signed in as the post that leads Wirral's action."""
    plan = factories.PlanFactory(slug="wirral-2016", title="Wirral plan", authority=wirral)
    lead = factories.LeadFactory(name=POST, authority=wirral)
    user = factories.UserFactory(username="wirral_officer")
    lead.users.add(user)
    factories.ActionFactory(plan=plan, reference="SEP16-1", lead=lead, text="Wirral's action")
    return user


def import_second_council(tmp_path, *, lead_cell=POST, **options):
    workbook = tmp_path / "otherton.xlsx"
    workbook.write_bytes(
        xlsx(
            {
                "Action Plan": [
                    ["no", "action", "by_when", "lead"],
                    [1, "Review every child in need plan", "31/03/2017", lead_cell],
                ]
            }
        )
    )
    out = StringIO()
    call_command(
        "import_plan",
        str(workbook),
        plan="otherton",
        create_plan="Otherton improvement plan",
        authority="Otherton Council",
        stdout=out,
        **options,
    )
    return Plan.objects.get(slug="otherton"), out.getvalue()


def update_form(action, **changes):
    return {
        "version": action.version,
        "progress_rag": Rag.RED,
        "status": Status.IN_PROGRESS,
        "commentary": "Changed from another council",
        **changes,
    }


def assert_refused_everywhere(client, user, action):
    """The plan page, the action page and the update form refuse; My actions does not list it."""
    client.force_login(user)
    before = (action.progress_rag, action.status, action.version, ProgressUpdate.objects.count())
    plan_page = client.get(action.plan.get_absolute_url())
    action_page = client.get(action.get_absolute_url())
    update_url = reverse(
        "improvement:action_update",
        kwargs={"slug": action.plan.slug, "reference": action.reference},
    )
    update_page = client.get(update_url)
    posted = client.post(update_url, update_form(action))
    mine = client.get(reverse("improvement:my_actions"))

    # Another council's plan answers as a missing one would.
    assert [plan_page.status_code, action_page.status_code] == [404, 404]
    assert [update_page.status_code, posted.status_code] == [404, 404]
    action.refresh_from_db()
    after = (action.progress_rag, action.status, action.version, ProgressUpdate.objects.count())
    assert after == before
    assert action.text not in mine.content.decode()
    assert not can_view_plan(user, action.plan)
    assert not can_update_action(user, action)
    assert action.plan not in plans_visible_to(user)
    assert not Action.objects.for_user(user).filter(pk=action.pk).exists()


# Importing a second council's plan.


def test_second_councils_workbook_naming_a_wirral_post_gets_a_lead_of_its_own(
    client, wirral, wirral_officer, tmp_path
):
    otherton_plan, out = import_second_council(tmp_path)

    wirral_lead = Lead.objects.get(authority=wirral)
    otherton_lead = Lead.objects.get(authority=otherton_plan.authority)
    assert otherton_plan.authority.name == "Otherton Council"
    assert 'New authority "Otherton Council" created.' in out
    assert f"New leads: {POST}" in out
    assert otherton_lead.name_key == wirral_lead.name_key
    assert otherton_lead != wirral_lead
    assert not otherton_lead.users.exists()
    assert list(wirral_lead.users.all()) == [wirral_officer]
    otherton_action = otherton_plan.actions.get()
    assert otherton_action.lead == otherton_lead
    assert not wirral_lead.actions.filter(plan=otherton_plan).exists()
    assert_refused_everywhere(client, wirral_officer, otherton_action)


def test_wirral_officer_still_reaches_wirrals_own_action_after_the_second_import(
    client, wirral_officer, tmp_path
):
    import_second_council(tmp_path)
    client.force_login(wirral_officer)

    page = client.get(reverse("improvement:my_actions"))

    assert "Wirral&#x27;s action" in page.content.decode()
    assert "Review every child in need plan" not in page.content.decode()


def test_reimporting_the_second_councils_workbook_reuses_its_own_lead(wirral_officer, tmp_path):
    otherton_plan, _ = import_second_council(tmp_path)
    _, out = import_second_council(tmp_path, user=wirral_officer.username)

    assert Lead.objects.filter(authority=otherton_plan.authority).count() == 1
    assert "New leads" not in out


def test_creating_a_plan_without_naming_its_council_is_refused(db, tmp_path):
    workbook = tmp_path / "plan.xlsx"
    workbook.write_bytes(xlsx({"Action Plan": [["no", "action"], [1, "Do it"]]}))

    with pytest.raises(CommandError, match="--authority"):
        call_command("import_plan", str(workbook), plan="new", create_plan="New", stdout=StringIO())

    assert AUTHORITY_NEEDED.startswith("Say which council")
    assert not Plan.objects.exists()


def test_importer_refuses_a_lead_of_another_authority_whatever_found_it(foreign_plan, officer_lead):
    # A lead book of the wrong council, as a bug elsewhere might hand the resource.
    resource = ActionResource(plan=foreign_plan, leads=LeadBook(officer_lead.authority))
    rows = tablib.Dataset(
        ["1", "Audit the plans", officer_lead.name], headers=["no", "action", "lead"]
    )

    result = resource.import_data(rows, dry_run=False, use_transactions=False)

    assert [row.error.messages for row in result.invalid_rows] == [
        [f'"{officer_lead.name}" is a lead of Anytown Council, not of Otherton Council.']
    ]
    assert not foreign_plan.actions.exists()


# A lead of one council attached to another's plan.


def test_a_lead_of_another_authority_is_refused_by_each_models_clean(foreign_plan, officer_lead):
    meeting = factories.MeetingFactory(board__authority=foreign_plan.authority)
    cases = [
        (Action(plan=foreign_plan, reference="X1", text="x", lead=officer_lead), "lead"),
        (Theme(plan=foreign_plan, name="People", lead=officer_lead), "lead"),
        (
            Risk(
                plan=foreign_plan,
                reference="R1",
                description="r",
                owner=officer_lead,
                likelihood=1,
                impact=1,
            ),
            "owner",
        ),
        (MeetingAction(meeting=meeting, number=1, text="t", owner=officer_lead), "owner"),
    ]
    for instance, field in cases:
        with pytest.raises(ValidationError) as refused:
            instance.full_clean()
        assert [e.code for e in refused.value.error_dict[field]] == ["lead_of_other_authority"]


def test_a_lead_of_the_plans_own_authority_passes_clean(foreign_plan, foreign_action):
    Action(plan=foreign_plan, reference="X1", text="x", lead=foreign_action.lead).full_clean()


def test_the_admin_refuses_a_co_lead_of_another_authority(foreign_plan, officer_lead):
    form = ActionAdminForm(
        data={
            "plan": foreign_plan.pk,
            "reference": "OTH-9",
            "text": "An action",
            "co_leads": [officer_lead.pk],
            "order": 0,
            "status": Status.NOT_STARTED,
            "progress_rag": Rag.NOT_RATED,
            "impact_rag": Rag.NOT_RATED,
        }
    )

    assert not form.is_valid()
    assert form.errors["co_leads"] == [
        f'"{officer_lead.name}" is a lead of Anytown Council, not of Otherton Council.'
    ]


def test_a_lead_forced_onto_another_councils_action_grants_nothing(
    client, officer, officer_lead, foreign_action
):
    Action.objects.filter(pk=foreign_action.pk).update(lead=officer_lead)

    assert_refused_everywhere(client, officer, foreign_action)


def test_a_co_lead_forced_onto_another_councils_action_grants_nothing(
    client, officer, officer_lead, foreign_action
):
    Action.co_leads.through.objects.create(action=foreign_action, lead=officer_lead)

    assert_refused_everywhere(client, officer, foreign_action)


def test_the_foreign_officer_reaches_only_their_own_councils_action(
    client, foreign_officer, foreign_action, plan, officer_lead
):
    anytown_action = factories.ActionFactory(plan=plan, lead=officer_lead)

    assert list(Action.objects.for_user(foreign_officer)) == [foreign_action]
    assert_refused_everywhere(client, foreign_officer, anytown_action)


# Names unique within an authority.


def test_same_inspection_title_in_two_authorities_is_allowed_and_twice_in_one_refused(
    foreign_plan,
):
    anytown = factories.AuthorityFactory()
    factories.InspectionFactory(title="Ofsted SIF 2016", authority=anytown)
    factories.InspectionFactory(title="Ofsted SIF 2016", authority=foreign_plan.authority)

    again = Inspection(title="Ofsted SIF 2016", authority=anytown)
    with pytest.raises(ValidationError) as refused:
        again.full_clean()
    assert refused.value.messages == [INSPECTION_TITLE_TAKEN]
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()
    assert Inspection.objects.filter(title="Ofsted SIF 2016").count() == 2


def test_same_lead_name_in_two_authorities_is_allowed_and_twice_in_one_refused(foreign_plan):
    anytown = factories.AuthorityFactory()
    factories.LeadFactory(name="Head of HR", authority=anytown)
    factories.LeadFactory(name="head of  HR", authority=foreign_plan.authority)

    with pytest.raises(ValidationError, match="already has a lead of this name"):
        Lead(name="Head of HR", authority=anytown).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Lead.objects.create(name="HEAD OF HR", authority=anytown)


# Boards.


def test_a_board_cannot_oversee_another_authoritys_plan(plan, foreign_plan):
    board = factories.BoardFactory(authority=plan.authority)
    form = BoardAdminForm(
        data={
            "authority": board.authority.pk,
            "name": board.name,
            "plans": [plan.pk, foreign_plan.pk],
        },
        instance=board,
    )

    assert not form.is_valid()
    assert "belongs to Otherton Council" in form.errors["plans"][0]
    assert not board.plans.exists()


def test_the_admin_refuses_to_add_a_board_across_authorities(
    client, admin_user, plan, foreign_plan
):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:boards_board_add"),
        {"authority": plan.authority.pk, "name": "Joint board", "plans": [foreign_plan.pk]},
    )

    assert response.status_code == 200
    assert "belongs to Otherton Council" in response.content.decode()
    assert not Board.objects.exists()


def test_a_plan_forced_onto_another_councils_board_is_not_shown_or_issued(client, foreign_plan):
    board = factories.BoardFactory(authority=factories.AuthorityFactory())
    board.plans.add(foreign_plan)  # forced: no form or service lets this happen
    chair = factories.UserFactory(username="otherton_chair")
    factories.PlanRoleFactory(plan=foreign_plan, user=chair, role="improvement_lead")
    client.force_login(chair)

    assert client.get(reverse("boards:board", kwargs={"pk": board.pk})).status_code == 404
    issue = reverse("boards:issue", kwargs={"pk": board.pk, "slug": foreign_plan.slug})
    assert client.get(issue).status_code == 404
    assert "Joint" not in client.get(reverse("improvement:my_actions")).content.decode()
    assert list(board.own_plans()) == []


# What prints the authority prints its name.


def test_the_pack_snapshot_and_the_plan_page_name_the_authority(client, chair, plan):
    snapshot = pack_snapshot(plan=plan, as_at=datetime.date(2017, 2, 15))
    client.force_login(chair)

    page = client.get(plan.get_absolute_url())

    assert snapshot["plan"]["authority"] == "Anytown Council"
    assert json.loads(json.dumps(snapshot))["plan"]["authority"] == "Anytown Council"
    assert '<span class="govuk-caption-l">Anytown Council</span>' in page.content.decode()


def test_the_admin_refuses_a_second_lead_of_the_same_name_in_one_authority(
    client, admin_user, officer_lead, foreign_plan
):
    client.force_login(admin_user)
    url = reverse("admin:improvement_lead_add")

    same = client.post(
        url, {"authority": officer_lead.authority.pk, "name": "HEAD OF safeguarding"}
    )
    other = client.post(url, {"authority": foreign_plan.authority.pk, "name": officer_lead.name})

    assert same.status_code == 200
    assert "This authority already has a lead of this name." in same.content.decode()
    assert other.status_code == 302
    assert Lead.objects.filter(name_key=officer_lead.name_key).count() == 2
