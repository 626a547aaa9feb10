"""Real sheets are messy: title rows, other names for our columns, blocks written once."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from improvement.importing import headers as h
from improvement.importing.reading import RawSheet
from improvement.importing.resources import NO_INSPECTION
from improvement.importing.workbook import import_workbook
from improvement.models import Action, Measure, MeasureValue
from inspections.models import Recommendation
from tests import factories
from tests.improvement.workbooks import xlsx


@pytest.mark.parametrize(
    ("written", "column"),
    [
        ("By when", "by_when"),
        ("Target Date", "by_when"),
        ("Deadline", "by_when"),
        ("Rec.", "recs"),
        ("Progress RAG", "progress_rag"),
        ("Activity Required", "action"),
        ("  LEAD  officer ", "lead"),
        ("Desired Outcome", "impact"),
        ("Improvement Measure", "improvement_measure"),
        ("key_action", "key_action"),
    ],
)
def test_action_headers_councils_write_map_to_our_columns(written, column):
    header = h.map_headers(
        h.row_columns(("No", "Theme", written)), kind=h.ACTIONS, header_row=1, mapping={}
    )

    assert header.columns[2] == column


@pytest.mark.parametrize(
    ("rows", "kind", "row"),
    [
        ([["Title"], ["ref", "body", "text", "inspection"]], h.RECOMMENDATIONS, 2),
        ([["Appendix 4"], [], ["No", "Risk", "Owner", "Likelihood", "Impact"]], h.RISKS, 3),
        ([["No", "Rec.", "Action", "By when", "Lead"]], h.ACTIONS, 1),
        ([["Measure", "Unit", "Target"]], h.MEASURES, 1),
        ([["Measure", "Period ending", "Value"]], h.MEASURE_VALUES, 1),
        ([["Notes only"], ["nothing", "here"]], None, None),
    ],
)
def test_the_header_row_and_kind_are_found_below_title_rows(rows, kind, row):
    found = h.find_header(RawSheet(name="Sheet1", rows=rows))

    assert ((found.kind, found.row) if found else (None, None)) == (kind, row)


def test_a_mapping_names_the_field_of_an_unknown_header_or_ignores_it():
    header = h.map_headers(
        h.row_columns(("No", "Action", "Sponsor", "Notes")),
        kind=h.ACTIONS,
        header_row=1,
        mapping={"sponsor": "lead", "NOTES": "ignore"},
    )

    assert header.columns == {0: "no", 1: "action", 2: "lead"}
    assert header.unknown == []


def test_a_mapping_to_a_field_another_kind_of_sheet_has_does_not_apply():
    header = h.map_headers(
        h.row_columns(("No", "Description", "Likelihood", "Impact", "Sponsor")),
        kind=h.RISKS,
        header_row=1,
        mapping={"Sponsor": "improvement_measure"},
    )

    assert "improvement_measure" not in header.columns.values()
    assert header.unknown == ["Sponsor"]


@pytest.mark.parametrize(
    ("items", "error"),
    [(["Sponsor"], h.BAD_MAPPING.format(text="Sponsor"))],
)
def test_a_bad_map_option_is_refused(items, error):
    with pytest.raises(ValueError, match=error):
        h.parse_mapping(items)


def test_blocks_written_once_apply_to_the_rows_below_and_blank_lines_are_skipped(plan):
    data = xlsx(
        {
            "Plan": [
                ["Anytown improvement plan"],
                ["Theme", "Period", "Objective", "No", "Action", "Deadline", "Lead"],
                [
                    "People",
                    "January - March 2017",
                    "A stable workforce",
                    1,
                    "Recruit",
                    "31/03/2017",
                    "Head of HR",
                ],
                [None, None, None, 2, "Retain", datetime.datetime(2017, 3, 1), "Head of HR"],
                [],
                [
                    "LSCB",
                    None,
                    "The board is effective",
                    "1.1",
                    "Review",
                    "On going",
                    "Chair of WSCB",
                ],
            ]
        }
    )

    summary = import_workbook(plan=plan, data=data, dry_run=False)

    assert summary.ok, summary.lines()
    actions = {
        a.reference: a for a in Action.objects.select_related("theme", "period", "objective")
    }
    assert sorted(actions) == ["JAN17-1", "JAN17-2", "LSCB-1.1"]
    retain = actions["JAN17-2"]
    assert (retain.theme.name, retain.period.code, retain.objective.title) == (
        "People",
        "JAN17",
        "A stable workforce",
    )
    assert (retain.due_on, retain.due_text) == (datetime.date(2017, 3, 1), "01/03/2017")
    assert (retain.period.starts_on, retain.period.ends_on) == (
        datetime.date(2017, 1, 1),
        datetime.date(2017, 3, 31),
    )
    assert actions["LSCB-1.1"].period is None


def run_command(*args):
    out = StringIO()
    call_command("import_plan", *args, stdout=out)
    return out.getvalue()


def test_map_option_on_the_command_line_maps_or_ignores_columns(plan, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(
        xlsx({"Plan": [["No", "Action", "Sponsor", "Notes"], [1, "Recruit", "Head of HR", "x"]]})
    )

    out = run_command(
        str(path), "--plan", plan.slug, "--map", "Sponsor=lead", "--map", "Notes=ignore"
    )

    assert "1 new, 0 updated, 0 unchanged, 1 warnings, 0 errors" in out  # the new lead
    assert Action.objects.get().lead.name == "Head of HR"


def test_map_option_naming_no_field_is_refused(plan, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx({"Plan": [["No", "Action"], [1, "Recruit"]]}))

    with pytest.raises(CommandError, match="is not a column we import"):
        run_command(str(path), "--plan", plan.slug, "--map", "Sponsor=boss")
    assert not Action.objects.exists()


def test_sheet_option_imports_only_the_named_sheet(plan, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(
        xlsx(
            {
                "Actions": [["No", "Action"], [1, "Recruit"]],
                "Risks": [["No", "Description", "Likelihood", "Impact"], [1, "Staff leave", 3, 4]],
            }
        )
    )

    out = run_command(str(path), "--plan", plan.slug, "--sheet", "Risks")

    assert "Risks (Risks): 1 new" in out
    assert "Actions" not in out
    assert not Action.objects.exists()


def test_unknown_plan_without_create_plan_is_refused(db, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx({"Plan": [["No", "Action"], [1, "Recruit"]]}))

    with pytest.raises(CommandError, match="--create-plan"):
        run_command(str(path), "--plan", "nowhere")


def test_a_csv_measures_list_repeated_per_period_imports_one_measure_per_name(plan, tmp_path):
    path = tmp_path / "improvement_measures.csv"
    path.write_text(
        "theme,period,measure\n"
        "People,September - December 2016,Vacancy rates\n"
        "Practice,September - December 2016,Repeat referrals\n"
        "People,January - March 2017,Vacancy rates\n"
        "Performance,January - March 2017,Vacancy rates\n",
        encoding="utf-8",
    )

    out = run_command(str(path), "--plan", plan.slug)

    assert "2 new" in out
    vacancy = Measure.objects.get(name="Vacancy rates")
    assert sorted(t.name for t in vacancy.themes.all()) == ["People", "Performance"]


def test_measure_values_import_against_the_plans_measures(plan):
    factories.MeasureFactory(plan=plan, name="Repeat referrals")
    data = xlsx(
        {
            "Measure values": [
                ["Measure", "Period ending", "Value", "Label"],
                ["Repeat referrals", "31/01/2017", "23.5%", "Jan 2017"],
                ["Repeat referrals", datetime.datetime(2017, 2, 28), 21, "Feb 2017"],
            ]
        }
    )

    summary = import_workbook(plan=plan, data=data, dry_run=False)

    assert summary.ok, summary.lines()
    assert list(MeasureValue.objects.values_list("label", "value")) == [
        ("Jan 2017", pytest.approx(23.5)),
        ("Feb 2017", 21),
    ]
    again = import_workbook(plan=plan, data=data, dry_run=False)
    assert again.sheet("Measure values").unchanged == 2


def test_recommendations_without_an_inspection_column_go_to_the_plans_only_inspection(plan):
    inspection = factories.InspectionFactory(title="Ofsted ILACS Anytown 2019")
    plan.inspections.add(inspection)
    data = xlsx({"Recs": [["Rec.", "Recommendation"], [1, "Improve supervision."]]})

    summary = import_workbook(plan=plan, data=data, dry_run=False)

    assert summary.ok, summary.lines()
    assert inspection.recommendations.get().text == "Improve supervision."


def test_recommendations_without_an_inspection_in_a_plan_with_none_are_refused(plan):
    data = xlsx({"Recs": [["Rec.", "Recommendation"], [1, "Improve supervision."]]})

    summary = import_workbook(plan=plan, data=data, dry_run=False)

    assert [(e.row, e.column, e.message) for e in summary.all_errors()] == [
        (2, "inspection", NO_INSPECTION.format(count=0))
    ]
    assert not Recommendation.objects.exists()
