"""Round trip keeps what officers did.

Wirral's plan is imported from the council's three workbooks. Officers then work in the site:
they revise a due date, ask for and get a sign-off, rate an action, close one. Importing an
export of the plan, an export made before that work, or the council's own workbook again
changes none of it; a sheet that really says something new is applied as an update by the
person who imported it.
"""

import datetime
import io
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from improvement.importing.export import export_actions_xlsx, export_plan_workbook
from improvement.importing.formats import UK_DATE
from improvement.importing.resources import (
    DUE_NEEDS_REVIEW,
    IMPORT_DUE_REASON,
    REVISED_DUE_KEPT,
    SIGNED_OFF_STATUS_KEPT,
)
from improvement.importing.workbook import import_workbook
from improvement.management.commands.import_plan import UNKNOWN_USER, USER_NEEDED
from improvement.models import Action, Lead, Plan, PlanRole, ProgressUpdate, Rag, Status
from improvement.services import record_progress, request_sign_off, sign_off
from tests import factories
from tests.conftest import built_once_for_the_module
from tests.improvement.workbooks import WIRRAL, read_xlsx, wirral, xlsx

WORKBOOKS = ("recommendations.xlsx", "action_plan.xlsx", "risk_register.xlsx")
REVISED_DUE = datetime.date(2017, 4, 28)


def imported(plan, data, *, user=None, filename="plan.xlsx"):
    summary = import_workbook(plan=plan, data=data, filename=filename, user=user, dry_run=False)
    assert summary.ok, summary.lines()
    return summary


def _import_wirral() -> int:
    plan = Plan.objects.create(
        slug="wirral", title="Wirral", authority=factories.AuthorityFactory(name="Wirral Council")
    )
    for name in WORKBOOKS:
        imported(plan, wirral(name))
    return plan.pk


@pytest.fixture(scope="module")
def wirral_plan_imported_once(django_db_setup, django_db_blocker):
    # Importing the three workbooks takes seconds; each test's own savepoint undoes its changes.
    yield from built_once_for_the_module(django_db_blocker, build=_import_wirral)


@pytest.fixture
def wirral_plan(db, wirral_plan_imported_once):
    """The plan as first imported from the council's workbooks, into an empty plan."""
    return Plan.objects.get(pk=wirral_plan_imported_once)


@pytest.fixture
def wirral_officer(wirral_plan):
    """Leads the HR actions and the Deputy Director's."""
    user = factories.UserFactory(username="wirral_officer")
    for name in ("Head of HR", "Deputy Director, Children’s Care Services"):
        Lead.objects.get(authority=wirral_plan.authority, name=name).users.add(user)
    return user


@pytest.fixture
def wirral_lead(wirral_plan):
    user = factories.UserFactory(username="wirral_lead")
    factories.PlanRoleFactory(plan=wirral_plan, user=user, role=PlanRole.Role.IMPROVEMENT_LEAD)
    return user


@pytest.fixture
def importer(db):
    return factories.UserFactory(username="plan_admin", is_staff=True, is_superuser=True)


def action(reference) -> Action:
    return Action.objects.get(plan__slug="wirral", reference=reference)


def state(*references) -> dict:
    return {
        ref: (a.due_on, a.status, a.progress_rag, a.version)
        for ref in references
        for a in [action(ref)]
    }


@pytest.fixture
def earlier_export(wirral_plan):
    return export_plan_workbook(wirral_plan)


@pytest.fixture
def officers_work(earlier_export, wirral_officer, wirral_lead):
    """What officers did in the site after the export; returns the actions they touched."""
    jan17_5 = action("JAN17-5")  # due 31/01/2017 in the council's sheet
    record_progress(
        action=jan17_5,
        by=wirral_officer,
        expected_version=jan17_5.version,
        due_on=REVISED_DUE,
        due_reason="The new HR system arrives in April.",
    )
    sep16_10 = action("SEP16-10")  # not started, not rated
    request_sign_off(
        action=sep16_10,
        by=wirral_officer,
        expected_version=sep16_10.version,
        impact_evidence="Practice week held; audit shows plans improved.",
        commentary="Done: asking for sign-off.",
    )
    sign_off(action=sep16_10, by=wirral_lead, expected_version=sep16_10.version)
    jan17_1 = action("JAN17-1")  # not rated
    record_progress(
        action=jan17_1,
        by=wirral_officer,
        expected_version=jan17_1.version,
        progress_rag=Rag.AMBER,
        commentary="Two of five posts filled.",
    )
    sep16_1 = action("SEP16-1")  # "Complete" in the council's sheet
    record_progress(
        action=sep16_1,
        by=wirral_lead,
        expected_version=sep16_1.version,
        status=Status.CLOSED,
        commentary="Closed at the March board.",
    )
    return ("JAN17-5", "SEP16-10", "JAN17-1", "SEP16-1")


def sheet_row(data: bytes, reference: str) -> int:
    """The sheet row of an action in our export's Actions sheet."""
    rows = read_xlsx(data)["Actions"]
    column = rows[0].index("reference")
    return next(n for n, row in enumerate(rows, start=1) if row[column] == reference)


def edited(data: bytes, *, sheet: str, header_row: int, cells: dict) -> bytes:
    """The workbook with cells changed: {(sheet row, column name): value}."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    header = [c.value for c in book[sheet][header_row]]
    for (row, column), value in cells.items():
        book[sheet].cell(row=row, column=header.index(column) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def only_due_review_warnings(summary) -> list:
    """Every import repeats the warnings for due text that is no date; the others, if any."""
    return [
        w
        for s in summary.sheets
        for w in s.warnings
        if w.message != DUE_NEEDS_REVIEW.format(text=w.value)
    ]


def test_the_export_writes_the_current_due_date_beside_the_due_as_first_written(
    wirral_plan, officers_work
):
    data = export_plan_workbook(wirral_plan)

    sheet = openpyxl.load_workbook(io.BytesIO(data))["Actions"]
    header = [c.value for c in sheet[1]]
    assert header.index("due_date") == header.index("by_when") + 1
    cells = dict(zip(header, sheet[sheet_row(data, "JAN17-5")], strict=True))
    assert (cells["by_when"].value, cells["by_when"].data_type) == ("31/01/2017", "s")
    assert cells["due_date"].value.date() == REVISED_DUE
    assert cells["due_date"].number_format == UK_DATE


def test_an_action_made_in_the_site_exports_its_first_due_date_as_by_when(wirral_plan):
    made = factories.ActionFactory(
        plan=wirral_plan, reference="MAY17-1", due_on=datetime.date(2017, 5, 31), due_text=""
    )
    Action.objects.filter(pk=made.pk).update(due_on=datetime.date(2017, 6, 30))

    header, row = read_xlsx(export_actions_xlsx(Action.objects.filter(pk=made.pk)))["Actions"]
    values = dict(zip(header, row, strict=True))

    assert values["by_when"] == "31/05/2017"
    assert values["due_date"].date() == datetime.date(2017, 6, 30)


def test_an_export_imported_back_changes_nothing_on_any_sheet(wirral_plan, importer):
    versions = list(Action.objects.order_by("pk").values_list("version", flat=True))
    history = Action.history.count()
    updates = ProgressUpdate.objects.count()

    summary = imported(wirral_plan, export_plan_workbook(wirral_plan), user=importer)

    assert [(s.sheet, s.new, s.updated, s.unchanged) for s in summary.sheets] == [
        ("Recommendations", 0, 0, 26),
        ("Actions", 0, 0, 133),
        ("Risks", 0, 0, 7),
        ("Measures", 0, 0, 0),
        ("Measure values", 0, 0, 0),
    ]
    assert only_due_review_warnings(summary) == []
    assert ProgressUpdate.objects.count() == updates
    assert list(Action.objects.order_by("pk").values_list("version", flat=True)) == versions
    assert Action.history.count() == history


def test_an_export_made_after_officers_work_imports_back_unchanged(
    wirral_plan, officers_work, importer
):
    before = state(*officers_work)
    updates = ProgressUpdate.objects.count()

    summary = imported(wirral_plan, export_plan_workbook(wirral_plan), user=importer)

    assert summary.sheet("Actions").unchanged == 133
    assert only_due_review_warnings(summary) == []
    assert state(*officers_work) == before
    assert ProgressUpdate.objects.count() == updates


def test_an_earlier_export_never_undoes_what_officers_did_since(
    wirral_plan, earlier_export, officers_work, importer
):
    before = state(*officers_work)
    assert before["JAN17-5"][0] == REVISED_DUE
    assert before["SEP16-10"][1:3] == (Status.COMPLETE, Rag.BLUE)
    assert before["JAN17-1"][2] == Rag.AMBER
    assert before["SEP16-1"][1] == Status.CLOSED

    summary = imported(wirral_plan, earlier_export, user=importer)

    assert state(*officers_work) == before
    assert not ProgressUpdate.objects.filter(by=importer).exists()
    actions = summary.sheet("Actions")
    assert (actions.updated, actions.unchanged) == (0, 133)
    kept = {
        (w.sheet, w.row, w.column, w.value, w.message) for w in only_due_review_warnings(summary)
    }
    assert kept == {
        (
            "Actions",
            sheet_row(earlier_export, "SEP16-10"),
            "status",
            "Not started",
            SIGNED_OFF_STATUS_KEPT.format(ref="SEP16-10", status="Complete", sheet="Not started"),
        ),
        (
            "Actions",
            sheet_row(earlier_export, "SEP16-1"),
            "status",
            "Complete",
            SIGNED_OFF_STATUS_KEPT.format(ref="SEP16-1", status="Closed", sheet="Complete"),
        ),
        (
            "Actions",
            sheet_row(earlier_export, "JAN17-5"),
            "due_date",
            "31/01/2017",
            REVISED_DUE_KEPT.format(ref="JAN17-5", current="28/04/2017", sheet="31/01/2017"),
        ),
    }


def test_the_councils_own_workbook_imported_again_never_undoes_what_officers_did_since(
    wirral_plan, officers_work, importer
):
    before = state(*officers_work)

    summary = imported(wirral_plan, wirral("action_plan.xlsx"), user=importer)

    assert state(*officers_work) == before
    assert not ProgressUpdate.objects.filter(by=importer).exists()
    assert (summary.sheet("Action Plan").updated, summary.sheet("Action Plan").unchanged) == (
        0,
        133,
    )
    assert only_due_review_warnings(summary) == []


def test_a_councils_sheet_that_really_changes_a_due_date_is_the_importing_users_update(
    wirral_plan, officers_work, importer
):
    # Row 13 is Sep–Dec Practice 11, due 31/12/2016; the council now says 31/03/2017.
    sheet = edited(
        wirral("action_plan.xlsx"),
        sheet="Action Plan",
        header_row=2,
        cells={(13, "by_when"): "31/03/2017"},
    )
    history = action("SEP16-11").history.count()
    others = state(*officers_work)

    summary = imported(wirral_plan, sheet, user=importer)

    changed = action("SEP16-11")
    assert (changed.due_on, changed.due_text) == (datetime.date(2017, 3, 31), "31/03/2017")
    update = ProgressUpdate.objects.get(by=importer)
    assert update.action == changed
    assert (update.due_on_before, update.due_on_after) == (
        datetime.date(2016, 12, 31),
        datetime.date(2017, 3, 31),
    )
    assert update.reason == IMPORT_DUE_REASON
    assert update.revises_due_date
    assert changed.history.count() == history + 1
    assert changed.history.first().history_user == importer
    assert summary.sheet("Action Plan").updated == 1
    assert state(*officers_work) == others
    # The same sheet again is what the sheet said last time: nothing more.
    imported(wirral_plan, sheet, user=importer)
    assert ProgressUpdate.objects.filter(by=importer).count() == 1


def test_a_councils_sheet_that_now_says_on_going_clears_the_date_and_flags_it(
    wirral_plan, importer
):
    sheet = edited(
        wirral("action_plan.xlsx"),
        sheet="Action Plan",
        header_row=2,
        cells={(13, "by_when"): "On going"},
    )
    history = action("SEP16-11").history.count()

    imported(wirral_plan, sheet, user=importer)

    changed = action("SEP16-11")
    assert (changed.due_on, changed.due_text, changed.due_needs_review) == (None, "On going", True)
    update = ProgressUpdate.objects.get(by=importer)
    assert (update.due_on_before, update.due_on_after, update.reason) == (
        datetime.date(2016, 12, 31),
        None,
        IMPORT_DUE_REASON,
    )
    # One write: the flag and the cleared date in one history row, by the importing user.
    assert changed.history.count() == history + 1
    assert changed.history.first().history_user == importer


def test_a_due_date_changed_in_our_export_is_the_importing_users_update(
    wirral_plan, officers_work, importer
):
    data = export_plan_workbook(wirral_plan)
    row = sheet_row(data, "JAN17-3")
    sheet = edited(data, sheet="Actions", header_row=1, cells={(row, "due_date"): "30/06/2017"})

    imported(wirral_plan, sheet, user=importer)

    changed = action("JAN17-3")
    assert (changed.due_on, changed.due_text) == (datetime.date(2017, 6, 30), "31/01/2017")
    update = ProgressUpdate.objects.get(by=importer)
    assert (update.action, update.reason) == (changed, IMPORT_DUE_REASON)
    assert changed.history.first().history_user == importer


def test_blank_status_and_rag_cells_keep_what_the_action_has(wirral_plan, officers_work, importer):
    data = export_plan_workbook(wirral_plan)
    row = sheet_row(data, "JAN17-1")
    before = state("JAN17-1")
    assert before["JAN17-1"][1:3] == (Status.NOT_STARTED, Rag.AMBER)
    sheet = edited(
        data,
        sheet="Actions",
        header_row=1,
        cells={(row, "status"): None, (row, "progress_rag"): ""},
    )

    summary = imported(wirral_plan, sheet, user=importer)

    assert state("JAN17-1") == before
    assert summary.sheet("Actions").updated == 0


def test_complete_in_the_rag_column_of_a_closed_action_changes_nothing(
    wirral_plan, officers_work, importer
):
    # Row 3 is SEP16-1, "Complete" in the council's sheet, closed in the site since.
    assert action("SEP16-1").status == Status.CLOSED

    imported(wirral_plan, wirral("action_plan.xlsx"), user=importer)

    assert (action("SEP16-1").status, action("SEP16-1").progress_rag) == (
        Status.CLOSED,
        Rag.GREEN,
    )


def test_a_councils_due_date_column_is_its_due_as_written(wirral_plan, importer):
    sheet = xlsx(
        {
            "Plan": [
                ["Reference", "Action", "Due date"],
                ["NEW-1", "Recruit two team managers", "On going"],
            ]
        }
    )

    imported(wirral_plan, sheet, user=importer)

    new = action("NEW-1")
    assert (new.due_on, new.due_text, new.due_needs_review) == (None, "On going", True)


def run_command(*paths, plan="wirral", **options) -> str:
    out = StringIO()
    call_command("import_plan", *[str(p) for p in paths], plan=plan, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def rated_in_the_councils_sheet(tmp_path):
    """The council's sheet with Sep–Dec Practice 10 (row 12) now rated amber."""
    path = tmp_path / "action_plan.xlsx"
    path.write_bytes(
        edited(
            wirral("action_plan.xlsx"),
            sheet="Action Plan",
            header_row=2,
            cells={(12, "progress_rag"): "Amber"},
        )
    )
    return path


def test_import_plan_with_an_unknown_user_is_refused_and_names_the_user(
    wirral_plan, rated_in_the_councils_sheet
):
    with pytest.raises(CommandError) as refused:
        run_command(rated_in_the_councils_sheet, user="nobody")

    assert str(refused.value) == UNKNOWN_USER.format(username="nobody")
    assert "nobody" in str(refused.value)
    assert action("SEP16-10").progress_rag == Rag.NOT_RATED


def test_import_plan_into_a_plan_with_actions_needs_a_user(
    wirral_plan, rated_in_the_councils_sheet
):
    updates = ProgressUpdate.objects.count()
    with pytest.raises(CommandError) as refused:
        run_command(rated_in_the_councils_sheet)

    assert str(refused.value) == USER_NEEDED.format(slug="wirral")
    assert action("SEP16-10").progress_rag == Rag.NOT_RATED
    assert ProgressUpdate.objects.count() == updates
    # A dry run writes nothing, so it needs no one to record it against.
    assert "1 updated" in run_command(rated_in_the_councils_sheet, dry_run=True)


def test_import_plan_records_the_changes_against_the_user_given(
    wirral_plan, rated_in_the_councils_sheet, importer
):
    run_command(rated_in_the_councils_sheet, user=importer.username)

    rated = action("SEP16-10")
    update = ProgressUpdate.objects.get(by=importer)
    assert (update.action, update.by, update.progress_rag_after) == (rated, importer, Rag.AMBER)
    assert rated.history.first().history_user == importer


def test_a_first_import_into_an_empty_plan_needs_no_user(db):
    # Another council's, as this module's Wirral plan may already be imported.
    Plan.objects.create(
        slug="first", title="First", authority=factories.AuthorityFactory(name="First Council")
    )

    run_command(WIRRAL / "recommendations.xlsx", WIRRAL / "action_plan.xlsx", plan="first")

    assert Action.objects.filter(plan__slug="first").count() == 133
