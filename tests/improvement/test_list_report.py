"""An officer filters the plan page, downloads the list and reads it in Excel; an improvement
lead downloads the whole plan as the workbook the importer reads back."""

import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement import services
from improvement.filters import ALL_ACTIONS, ActionFilter, describe_filter
from improvement.importing.export import XLSX_CONTENT_TYPE
from improvement.importing.workbook import import_workbook
from improvement.models import Action, ProgressUpdate, Rag, Status
from improvement.reports import LAST_UPDATE_CHARACTERS, RAG_COLOURS, action_list_report
from improvement.selectors import plan_actions
from improvement.views import FIX_FILTERS_TO_DOWNLOAD
from tests import factories
from tests.improvement.conftest import TODAY, bulk_actions
from tests.security.hostile import DANGEROUS

LONDON = zoneinfo.ZoneInfo("Europe/London")
HEADINGS = [
    "Reference",
    "Theme",
    "Objective",
    "Action",
    "Lead",
    "Co-leads",
    "Due date",
    "Status",
    "RAG",
    "Reported RAG",
    "Why",
    "Impact RAG",
    "Last update",
    "Last update on",
    "Recommendations",
]
HOSTILE_TEXT = '=HYPERLINK("http://evil.example","Click for the audit")'


@pytest.fixture
def leadership(plan):
    return factories.ThemeFactory(plan=plan, name="Leadership", order=1)


@pytest.fixture
def listed(plan, officer_lead, leadership):
    """Two green Leadership actions the filter keeps; a red one and a Practice one it leaves out."""
    practice = factories.ThemeFactory(plan=plan, name="Practice", order=2)
    grip = factories.ObjectiveFactory(
        plan=plan, theme=leadership, title="Leaders know the front line"
    )
    recommendation = factories.RecommendationFactory(reference="7")
    plan.inspections.add(recommendation.inspection)
    overdue = factories.ActionFactory(
        plan=plan,
        reference="JAN17-5",
        theme=leadership,
        objective=grip,
        text="Audit every child protection plan",
        lead=officer_lead,
        due_on=TODAY - datetime.timedelta(days=21),
        status=Status.IN_PROGRESS,
        progress_rag=Rag.GREEN,
        order=1,
    )
    overdue.co_leads.add(factories.LeadFactory(name="Head of Fostering"))
    overdue.recommendations.add(recommendation)
    factories.ProgressUpdateFactory(
        action=overdue,
        at=datetime.datetime(2017, 1, 9, 10, 0, tzinfo=LONDON),
        commentary="Audit tool agreed.",
    )
    factories.ProgressUpdateFactory(
        action=overdue,
        at=datetime.datetime(2017, 2, 10, 16, 30, tzinfo=LONDON),
        commentary="  Half the plans audited; the rest booked for March.  ",
    )
    ongoing = factories.ActionFactory(
        plan=plan,
        reference="JAN17-6",
        theme=leadership,
        objective=grip,
        text=HOSTILE_TEXT,
        lead=officer_lead,
        due_on=None,
        due_text="On going",
        due_needs_review=True,
        status=Status.IN_PROGRESS,
        progress_rag=Rag.GREEN,
        order=2,
    )
    factories.ActionFactory(
        plan=plan,
        reference="JAN17-7",
        theme=leadership,
        objective=grip,
        lead=officer_lead,
        progress_rag=Rag.RED,
        order=3,
    )
    factories.ActionFactory(
        plan=plan,
        reference="SEP16-1",
        theme=practice,
        objective=factories.ObjectiveFactory(plan=plan, theme=practice, title="Plans are SMART"),
        lead=officer_lead,
        progress_rag=Rag.GREEN,
        order=4,
    )
    return {"overdue": overdue, "ongoing": ongoing}


@pytest.fixture
def as_officer(client, officer):
    client.force_login(officer)
    return client


def _open(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    return openpyxl.load_workbook(io.BytesIO(response.content))["Actions"]


def _rows(sheet) -> dict[str, dict]:
    """Each action's row as {heading: cell}, by reference."""
    header = [cell.value for cell in sheet[4]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=5)]
    return {row["Reference"].value: row for row in rows}


def _filtered_download(client, plan, leadership):
    query = {"theme": leadership.pk, "progress_rag": Rag.GREEN}
    page = client.get(plan.get_absolute_url(), query)
    link = f"/plans/{plan.slug}/actions.xlsx?theme={leadership.pk}&amp;progress_rag=green"
    assert f'href="{link}"' in page.content.decode()
    assert "Download this list" in page.content.decode()
    assert "(Excel report)" in page.content.decode()
    return client.get(link.replace("&amp;", "&"))


def test_the_downloaded_list_names_its_filter_and_reads_in_words(
    as_officer, plan, leadership, listed
):
    response = _filtered_download(as_officer, plan, leadership)

    assert response["Content-Disposition"] == (
        f'attachment; filename="{plan.slug}-actions-{TODAY}.xlsx"'
    )
    sheet = _open(response)
    assert sheet["A1"].value == "Anytown improvement plan — actions"
    assert sheet["A2"].value == "Filtered: Theme is Leadership; Reported RAG is Green"
    assert sheet["A3"].value == "Downloaded 15 February 2017"
    assert [cell.value for cell in sheet[4]] == HEADINGS
    assert all(cell.font.b for cell in sheet[4])
    rows = _rows(sheet)
    assert list(rows) == ["JAN17-5", "JAN17-6"]
    overdue = rows["JAN17-5"]
    assert overdue["Theme"].value == "Leadership"
    assert overdue["Objective"].value == "Leaders know the front line"
    assert overdue["Lead"].value == "Head of Safeguarding"
    assert overdue["Co-leads"].value == "Head of Fostering"
    assert overdue["Status"].value == "In progress"
    assert overdue["Recommendations"].value == "7"


def test_an_overdue_action_reported_green_shows_derived_red_with_the_reason(
    as_officer, plan, leadership, listed
):
    rows = _rows(_open(_filtered_download(as_officer, plan, leadership)))

    overdue, ongoing = rows["JAN17-5"], rows["JAN17-6"]
    # the RAG every page counts, with the one reported in the next column
    assert (overdue["RAG"].value, overdue["Reported RAG"].value) == ("Red", "Green")
    assert overdue["Why"].value == "21 days overdue"
    assert (ongoing["RAG"].value, ongoing["Why"].value) == ("Green", "As reported")


def test_rag_cells_are_filled_in_their_colour_and_still_say_the_word(
    as_officer, plan, leadership, listed
):
    overdue = _rows(_open(_filtered_download(as_officer, plan, leadership)))["JAN17-5"]

    reported, derived = overdue["Reported RAG"], overdue["RAG"]
    assert reported.fill.fill_type == derived.fill.fill_type == "solid"
    assert reported.fill.fgColor.rgb.endswith(RAG_COLOURS[Rag.GREEN][0])
    assert derived.fill.fgColor.rgb.endswith(RAG_COLOURS[Rag.RED][0])
    assert derived.font.color.rgb.endswith(RAG_COLOURS[Rag.RED][1])
    assert (reported.value, derived.value) == ("Green", "Red")
    assert overdue["Reference"].fill.fill_type is None


def test_due_dates_are_real_dates_and_due_text_stays_as_written(
    as_officer, plan, leadership, listed
):
    rows = _rows(_open(_filtered_download(as_officer, plan, leadership)))

    due = rows["JAN17-5"]["Due date"]
    assert due.is_date
    assert due.value.date() == TODAY - datetime.timedelta(days=21)
    assert due.number_format == "DD/MM/YYYY"
    assert (rows["JAN17-6"]["Due date"].value, rows["JAN17-6"]["Due date"].is_date) == (
        "On going",
        False,
    )


def test_the_last_update_is_the_latest_one_trimmed_with_its_date(
    as_officer, plan, leadership, listed
):
    rows = _rows(_open(_filtered_download(as_officer, plan, leadership)))

    overdue = rows["JAN17-5"]
    assert overdue["Last update"].value == "Half the plans audited; the rest booked for March."
    assert overdue["Last update on"].is_date
    assert overdue["Last update on"].value.date() == datetime.date(2017, 2, 10)
    assert (rows["JAN17-6"]["Last update"].value, rows["JAN17-6"]["Last update on"].value) == (
        None,
        None,
    )


def test_text_that_looks_like_a_formula_is_stored_as_text(as_officer, plan, leadership, listed):
    action = _rows(_open(_filtered_download(as_officer, plan, leadership)))["JAN17-6"]["Action"]

    assert action.value == HOSTILE_TEXT
    assert action.data_type == "s"


@pytest.mark.parametrize("text", [*DANGEROUS, "- reviewed monthly"])
def test_every_text_in_the_report_is_a_string_cell_never_a_formula(plan, text):
    plan.title = text
    theme = factories.ThemeFactory(plan=plan, name=text)
    action = factories.ActionFactory(
        plan=plan,
        reference="JAN17-1",
        theme=theme,
        objective=factories.ObjectiveFactory(plan=plan, theme=theme, title=text),
        text=text,
        lead=factories.LeadFactory(name=text),
        due_on=None,
        due_text=text,
    )
    factories.ProgressUpdateFactory(action=action, commentary=text)

    data = action_list_report(
        plan=plan, actions=plan.actions.all(), filter_description=text, today=TODAY
    )

    sheet = openpyxl.load_workbook(io.BytesIO(data))["Actions"]
    row = _rows(sheet)["JAN17-1"]
    cells = [sheet["A1"], sheet["A2"]] + [
        row[heading]
        for heading in ("Theme", "Objective", "Action", "Lead", "Due date", "Last update")
    ]
    assert all(cell.data_type == "s" for cell in cells)
    # XML reads a carriage return back as a line feed; the rest is exactly as written.
    assert sheet["A2"].value.replace("\r", "\n") == text.replace("\r", "\n")
    assert row["Action"].value.replace("\r", "\n") == text.replace("\r", "\n")


def test_the_sheet_is_set_up_to_read_sort_and_print(as_officer, plan, leadership, listed):
    sheet = _open(_filtered_download(as_officer, plan, leadership))

    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:O6"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNO"}
    assert all(width >= 10 for width in widths.values())
    assert widths["D"] > widths["A"]  # the action's text gets room; its reference does not need it
    assert sheet["D5"].alignment.wrap_text
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$4:$4"


def test_a_refused_filter_answers_with_the_message_not_a_report(as_officer, plan, listed):
    response = as_officer.get(f"/plans/{plan.slug}/actions.xlsx", {"due_after": "31/31/2017"})

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert FIX_FILTERS_TO_DOWNLOAD in page
    assert "Due on or after" in page


def _report_queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/plans/{plan.slug}/actions.xlsx").status_code == 200
    return len(captured)


def _with_leads_recommendations_and_updates(actions, *, co_lead, recommendation):
    for action in actions:
        action.co_leads.add(co_lead)
        action.recommendations.add(recommendation)
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            action=action, at=datetime.datetime(2017, 2, 1, 9, tzinfo=LONDON), commentary=note
        )
        for action in actions
        for note in ("First note", "Second note")
    )


def test_the_report_costs_the_same_queries_for_5_or_50_actions(
    as_officer, plan, officer_lead, leadership, django_assert_num_queries
):
    recommendation = factories.RecommendationFactory(reference="7")
    plan.inspections.add(recommendation.inspection)
    co_lead = factories.LeadFactory(name="Head of Fostering")
    links = {"co_lead": co_lead, "recommendation": recommendation}
    few = bulk_actions(plan=plan, lead=officer_lead, count=5, theme=leadership)
    _with_leads_recommendations_and_updates(few, **links)
    as_officer.get("/")  # the session's idle clock, written on the first request only
    five = _report_queries(as_officer, plan)

    more = bulk_actions(plan=plan, lead=officer_lead, count=45, start=5, theme=leadership)
    _with_leads_recommendations_and_updates(more, **links)

    with django_assert_num_queries(five):
        response = as_officer.get(f"/plans/{plan.slug}/actions.xlsx")
    assert len(_rows(_open(response))) == 50


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ALL_ACTIONS),
        ({"q": "foster"}, 'Filtered: Search "foster"'),
        ({"status": Status.NOT_STARTED}, "Filtered: Status is Not started"),
        ({"overdue": "on", "key_action": "on"}, "Filtered: Overdue only; Key actions only"),
        (
            {"due_after": "01/01/2017", "due_before": "31/03/2017"},
            "Filtered: Due on or after 01/01/2017; Due on or before 31/03/2017",
        ),
        ({"recommendation": "rec"}, "Filtered: Recommendation 7"),
        ({"lead": "lead", "theme": "theme"}, "Filtered: Theme is Leadership; Lead is Head of HR"),
    ],
)
def test_the_filter_is_described_in_the_words_of_the_form(plan, leadership, query, expected):
    recommendation = factories.RecommendationFactory(reference="7")
    plan.inspections.add(recommendation.inspection)
    lead = factories.LeadFactory(name="Head of HR")
    factories.ActionFactory(plan=plan, lead=lead)
    ids = {"rec": recommendation.pk, "lead": lead.pk, "theme": leadership.pk}
    data = {name: ids.get(value, value) for name, value in query.items()}

    filterset = ActionFilter(data, queryset=plan_actions(plan), plan=plan, today=TODAY)

    assert filterset.is_valid(), filterset.errors
    assert describe_filter(filterset) == expected


# The plan workbook: the whole plan, for improvement leads, in the layout the importer reads.


@pytest.fixture
def workbook_url(plan):
    return f"/plans/{plan.slug}/workbook.xlsx"


def test_an_improvement_lead_downloads_the_plan_workbook_and_it_imports_back_unchanged(
    client, plan, improvement_lead, listed, workbook_url
):
    factories.RiskFactory(plan=plan, reference="R1", owner=listed["overdue"].lead)
    client.force_login(improvement_lead)
    page = client.get(plan.get_absolute_url(), {"theme": listed["overdue"].theme.pk})
    assert f'href="{workbook_url}"' in page.content.decode()
    assert "Download the plan workbook (for re-import)" in page.content.decode()

    response = client.get(workbook_url)

    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="{plan.slug}-workbook-{TODAY}.xlsx"'
    )
    updates = ProgressUpdate.objects.count()
    summary = import_workbook(
        plan=plan, data=response.content, filename="workbook.xlsx", user=improvement_lead
    )
    assert summary.ok, summary.lines()
    counts = {s.sheet: (s.new, s.updated, s.unchanged) for s in summary.sheets}
    # The whole plan, whatever the page was filtered by: all four actions, not two.
    assert counts["Actions"] == (0, 0, Action.objects.filter(plan=plan).count()) == (0, 0, 4)
    assert counts["Recommendations"] == (0, 0, 1)
    assert counts["Risks"] == (0, 0, 1)
    assert all(new == updated == 0 for new, updated, _ in counts.values())
    assert ProgressUpdate.objects.count() == updates


def test_an_officer_may_not_download_the_plan_workbook_nor_sees_the_link(
    as_officer, plan, listed, workbook_url
):
    page = as_officer.get(plan.get_absolute_url())
    response = as_officer.get(workbook_url)

    assert page.status_code == 200
    assert workbook_url not in page.content.decode()
    assert response.status_code == 403
    assert "Content-Disposition" not in response


def test_a_board_chair_reads_the_plan_but_may_not_download_the_plan_workbook(
    client, plan, chair, listed, workbook_url
):
    client.force_login(chair)

    assert client.get(plan.get_absolute_url()).status_code == 200
    assert client.get(f"/plans/{plan.slug}/actions.xlsx").status_code == 200
    assert client.get(workbook_url).status_code == 403


def test_a_due_date_revised_on_the_site_survives_the_plan_workbook_round_trip(
    client, plan, improvement_lead, officer, listed, workbook_url
):
    action = listed["overdue"]
    action.due_text = "25/01/2017"  # as the imported plan wrote it
    action.save()
    services.record_progress(
        action=action,
        by=officer,
        expected_version=action.version,
        commentary="New audit date agreed with the Head of Service.",
        due_on=datetime.date(2017, 4, 28),
        due_reason="The audit team was moved to the inspection.",
    )
    updates = ProgressUpdate.objects.count()
    client.force_login(improvement_lead)

    data = client.get(workbook_url).content
    summary = import_workbook(
        plan=plan, data=data, filename="workbook.xlsx", user=improvement_lead, dry_run=False
    )

    assert summary.ok, summary.lines()
    assert summary.sheet("Actions").updated == 0
    action.refresh_from_db()
    assert action.due_on == datetime.date(2017, 4, 28)
    assert ProgressUpdate.objects.count() == updates


def test_a_long_last_update_is_cut_to_a_readable_length(as_officer, plan, leadership, listed):
    words = "Caseload audit findings discussed with every team manager. " * 40
    factories.ProgressUpdateFactory(
        action=listed["ongoing"],
        at=datetime.datetime(2017, 2, 14, 9, tzinfo=LONDON),
        commentary=words,
    )

    cell = _rows(_open(_filtered_download(as_officer, plan, leadership)))["JAN17-6"]["Last update"]

    assert len(cell.value) == LAST_UPDATE_CHARACTERS
    assert cell.value.endswith("…")
    assert words.startswith(cell.value[:-1])
