"""Other councils' workbooks import as they printed them, with nothing but mapping choices.

Each layout in tests/improvement/layouts.py is imported three ways a council would: through
the service, through the admin's upload → columns → preview → confirm, and with import_plan on
the command line. The counts of themes, objectives, actions, leads, milestones and RAGs come out
as the sheet holds them, and the preview says what it made of every structure row.
"""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from improvement.importing.layout import PROSE_IN_RAG
from improvement.importing.workbook import import_workbook
from improvement.models import Action, Lead, Milestone, Objective, Plan, Theme
from tests import factories
from tests.improvement import layouts

STRATEGIC_MAPPING = {
    "Key activity": "action",
    "Accountable / By": "lead",
    "Action RAG": "ignore",
    "Impact RAG": "ignore",
}
WORKSTREAM_MAPPING = {"Progress / Exceptions": "comments"}


def _counts(plan):
    actions = Action.objects.filter(plan=plan)
    rags = {}
    for rag in actions.values_list("progress_rag", flat=True):
        rags[rag] = rags.get(rag, 0) + 1
    return {
        "themes": Theme.objects.filter(plan=plan).count(),
        "objectives": Objective.objects.filter(plan=plan).count(),
        "actions": actions.count(),
        "leads": {
            lead.name.casefold()
            for lead in Lead.objects.filter(authority=plan.authority)
            if lead.actions.filter(plan=plan).exists()
            or lead.co_led_actions.filter(plan=plan).exists()
            or lead.theme_set.filter(plan=plan).exists()
            or lead.risks.filter(plan=plan).exists()
        },
        "co_led": actions.filter(co_leads__isnull=False).distinct().count(),
        "milestones": Milestone.objects.filter(action__plan=plan).count(),
        "rags": {k: v for k, v in rags.items() if k != "not_rated"},
        "from_inspection": actions.filter(arose_from_inspection=True).count(),
    }


def _assert_matches(plan, expected: layouts.Expected, *, rags=True):
    counts = _counts(plan)
    assert counts["themes"] == expected.themes
    assert counts["objectives"] == expected.objectives
    assert counts["actions"] == expected.actions
    assert counts["leads"] == expected.leads
    assert counts["co_led"] == expected.co_led
    assert counts["milestones"] == expected.milestones
    if rags:
        assert counts["rags"] == expected.rags
    assert counts["from_inspection"] == expected.from_inspection


@pytest.fixture
def plan(db):
    return factories.PlanFactory()


def test_a_work_stream_summary_imports_its_projects_milestones_and_coloured_rags(plan):
    data, expected = layouts.workstream_summary()
    factories.LeadFactory(authority=plan.authority, name="Head of Safeguarding")

    summary = import_workbook(
        plan=plan, data=data, filename="summary.xlsx", mapping=WORKSTREAM_MAPPING, dry_run=False
    )

    assert summary.ok, summary.lines()
    assert (expected.actions, expected.themes, expected.milestones) == (47, 8, 76)
    _assert_matches(plan, expected)
    sheet = summary.sheet("RAG Summary")
    reading = [str(line) for line in sheet.reading]
    assert "row 5: work-stream '1 Support and Develop Our Workforce'" in reading
    footer = f"skipped, footer 'Accurate when produced on {layouts.SUMMARY_DATE:%d/%m/%Y}'"
    assert any(line.endswith(footer) for line in reading)
    assert sheet.header_rows == "rows 3–4"
    # "HEAD OF SAFEGUARDING" is the existing "Head of Safeguarding"; new leads are readable.
    assert (
        Lead.objects.filter(authority=plan.authority, name__iexact="head of safeguarding").count()
        == 1
    )
    assert Lead.objects.filter(name="Principal Social Worker").exists()
    assert Lead.objects.filter(name="CAMHS Lead").exists()
    # No year on the milestones: the sheet's date gives 2017.
    milestone = Milestone.objects.filter(
        text__startswith="Support and Develop Our Workforce milestone 1"
    ).get()
    assert milestone.due_on.year == 2017
    assert not Action.objects.filter(text__icontains="Accurate when produced").exists()
    assert not any("This column needs a value" in str(e) for e in summary.all_errors())


def test_a_strategic_plan_imports_themes_objectives_and_numbered_actions(plan):
    data, expected = layouts.strategic_plan()

    summary = import_workbook(
        plan=plan, data=data, filename="plan.xlsx", mapping=STRATEGIC_MAPPING, dry_run=False
    )

    assert summary.ok, summary.lines()
    assert (expected.themes, expected.objectives, expected.actions) == (3, 9, 27)
    assert expected.from_inspection == 12
    _assert_matches(plan, expected)
    reading = [str(line) for line in summary.sheet("Improvement Plan").reading]
    assert (
        "row 3: theme '1 Leadership, management and governance', "
        "led by Director of Children's Services" in reading
    )
    assert any("skipped, the header repeated" in line for line in reading)
    assert any(line.startswith("row 2: skipped, note 'Note: this update") for line in reading)
    # No deadline became a person, and the theme lead leads the theme.
    assert not Lead.objects.filter(name__icontains="2013").exists()
    assert not Lead.objects.filter(name__icontains="monthly").exists()
    theme = Theme.objects.get(plan=plan, name="1 Leadership, management and governance")
    assert theme.lead.name == "Director of Children's Services"
    # The deadline under the lead: prose is kept and flagged, a month and year is read.
    prose = Action.objects.get(plan=plan, reference="1.1.1")
    assert (prose.due_text, prose.due_on, prose.due_needs_review) == (
        "Nov 2013 & April 2014",
        None,
        True,
    )
    month = Action.objects.get(plan=plan, reference="1.2.3")  # action 6: "November 2013"
    assert (month.due_on.isoformat(), month.due_needs_review) == ("2013-11-30", False)
    assert not Action.objects.filter(plan=plan, text__startswith="*").exists()
    assert not Action.objects.filter(plan=plan, text__startswith="Objective").exists()


def test_a_strategic_plan_s_placeholder_rag_columns_are_refused_until_mapped_to_ignore(plan):
    data, _ = layouts.strategic_plan()
    mapping = {k: v for k, v in STRATEGIC_MAPPING.items() if v != "ignore"}

    summary = import_workbook(plan=plan, data=data, filename="plan.xlsx", mapping=mapping)

    messages = [e.message for e in summary.all_errors()]
    assert (
        PROSE_IN_RAG.format(header="Action RAG", row=6, value=layouts.PLACEHOLDER[:60]) in messages
    )
    assert any('"Impact RAG"' in m and "Ignore this column" in m for m in messages)
    assert not Action.objects.exists()


def test_several_sheets_with_headers_on_row_five_and_rag_only_in_the_colour(plan):
    data, expected = layouts.several_sheets_colour_only()
    plan.inspections.add(factories.InspectionFactory(authority=plan.authority))

    summary = import_workbook(plan=plan, data=data, filename="anytown.xlsx", dry_run=False)

    assert summary.ok, summary.lines()
    _assert_matches(plan, expected)
    assert summary.sheet("Action plan").header_rows == "row 5"
    assert plan.recommendations().count() == 4


def test_a_hidden_column_is_left_out_and_totals_keys_and_footers_are_skipped(plan):
    data, expected = layouts.hidden_columns_and_totals()

    summary = import_workbook(plan=plan, data=data, filename="plan.xlsx", dry_run=False)

    assert summary.ok, summary.lines()
    _assert_matches(plan, expected)
    sheet = summary.sheet("Plan")
    reading = [str(line) for line in sheet.reading]
    assert "row 7: skipped, totals 'Total'" in reading
    assert "row 8: skipped, note 'Key: R = off track, A = at risk, G = on track'" in reading
    assert "row 9: skipped, footer 'Page 1 of 1'" in reading
    assert any("hidden" in w.message for w in sheet.warnings)


def test_a_sheet_whose_headers_nothing_recognises_imports_once_mapped(plan):
    data, expected = layouts.unrecognised_headers()

    refused = import_workbook(plan=plan, data=data, filename="tracker.xlsx")
    summary = import_workbook(
        plan=plan,
        data=data,
        filename="tracker.xlsx",
        mapping=layouts.UNRECOGNISED_MAPPING,
        dry_run=False,
    )

    assert not refused.ok
    assert "No header row found" in refused.all_errors()[0].message
    assert summary.ok, summary.lines()
    _assert_matches(plan, expected)
    action = Action.objects.get(reference="D1")
    assert (action.due_on.isoformat(), action.due_needs_review) == ("2025-06-30", False)
    assert any("30/06/2025" in w.message for w in summary.sheet("Sheet1").warnings)


def test_themes_written_once_and_numbered_objective_rows_in_a_csv(plan):
    data, expected = layouts.numbered_objectives_csv()

    summary = import_workbook(plan=plan, data=data, filename="plan.csv", dry_run=False)

    assert summary.ok, summary.lines()
    _assert_matches(plan, expected)
    assert Action.objects.get(plan=plan, number="1.1.1").due_on.isoformat() == "2024-11-30"
    objective = Objective.objects.get(plan=plan, title="1.1 Stronger oversight of practice")
    assert objective.theme.name == "Leadership"
    assert objective.actions.count() == 2


# The same layouts through the admin and the command line.


def _step(response):
    form = response.context["form"]
    return {name: form[name].value() for name in ("token", "filename", "mapping", "choices")}


def _column_fields(page, mapping: dict[str, str]) -> dict[str, str]:
    """What an admin picks on the columns page: one choice per column named in `mapping`."""
    form = page.context["form"]
    picked = {}
    for sheet in form.sheet_views:
        picked[sheet.kind_field] = sheet.kind
        picked[sheet.header_field] = str(sheet.header_row)
        for view in sheet.columns:
            picked[view.field_name] = mapping.get(view.column.text, view.chosen)
    return picked


def _criteria_rule(plan):
    plan.rag_rule = Plan.RagRule.CRITERIA
    plan.save()


def _one_inspection(plan):
    plan.inspections.add(factories.InspectionFactory(authority=plan.authority))


# Each layout, the mapping an admin gives it, the file name, the command's extra options, and
# what the plan must already hold.
LAYOUTS = {
    "work-stream summary": (
        layouts.workstream_summary,
        WORKSTREAM_MAPPING,
        "summary.xlsx",
        [],
        None,
    ),
    "strategic plan": (layouts.strategic_plan, STRATEGIC_MAPPING, "plan.xlsx", [], None),
    "several sheets": (layouts.several_sheets_colour_only, {}, "anytown.xlsx", [], _one_inspection),
    "hidden and totals": (layouts.hidden_columns_and_totals, {}, "plan.xlsx", [], None),
    "unrecognised": (
        layouts.unrecognised_headers,
        layouts.UNRECOGNISED_MAPPING,
        "tracker.xlsx",
        ["--header-row", "2"],
        None,
    ),
    "numbered objectives": (layouts.numbered_objectives_csv, {}, "plan.csv", [], None),
    "criteria": (layouts.criteria_plan, {}, "ready.xlsx", [], _criteria_rule),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_an_admin_imports_a_council_layout_with_only_mapping_choices(
    client, admin_user, plan, layout
):
    build, mapping, filename, _, setup = LAYOUTS[layout]
    if setup:
        setup(plan)
    data, expected = build()
    url = reverse("admin:improvement_plan_import_workbook", args=[plan.pk])
    client.force_login(admin_user)

    page = client.post(url, {"step": "upload", "file": SimpleUploadedFile(filename, data)})
    if "admin/improvement/plan/import_preview.html" in [t.name for t in page.templates]:
        # Nothing needed mapping; the columns are still one button away.
        page = client.post(url, {"step": "columns", **_step(page)})
    assert "admin/improvement/plan/import_mapping.html" in [t.name for t in page.templates]
    preview = client.post(url, {"step": "map", **_step(page), **_column_fields(page, mapping)})
    assert preview.context["summary"].ok, preview.context["summary"].lines()
    assert not Action.objects.exists()
    client.post(url, {"step": "confirm", **_step(preview)})

    _assert_matches(plan, expected)
    again = client.post(url, {"step": "upload", "file": SimpleUploadedFile(filename, data)})
    assert "admin/improvement/plan/import_preview.html" in [t.name for t in again.templates]
    sheets = again.context["summary"].sheets
    assert sum(s.new for s in sheets) == 0
    assert sum(s.updated for s in sheets) == 0


def test_the_columns_page_shows_every_column_with_samples_and_fields_in_words(
    client, admin_user, plan
):
    data, _ = layouts.unrecognised_headers()
    url = reverse("admin:improvement_plan_import_workbook", args=[plan.pk])
    client.force_login(admin_user)

    page = client.post(url, {"step": "upload", "file": SimpleUploadedFile("t.xlsx", data)})

    html = page.content.decode()
    for header in layouts.UNRECOGNISED_HEADER:
        assert header in html
    assert "Deliverable 1" in html
    assert "HEAD OF PERFORMANCE" in html
    assert "Due date" in html
    assert "Progress RAG" in html
    assert "Row 2: Item | Deliverable" in html


def test_two_columns_with_the_same_header_are_mapped_apart(client, admin_user, plan):
    rows = [["No", "Action", "Date", "Date"], [1, "Recruit", "01/03/2025", "13 Mar - Launch"]]
    from tests.improvement.workbooks import xlsx

    summary = import_workbook(
        plan=plan,
        data=xlsx({"Plan": rows}),
        filename="p.xlsx",
        mapping={"Date": "by_when", "Date #2": "milestones"},
        dry_run=False,
    )

    assert summary.ok, summary.lines()
    action = Action.objects.get()
    assert action.due_on.isoformat() == "2025-03-01"
    assert list(action.milestones.values_list("text", flat=True)) == ["Launch"]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_import_plan_reads_a_council_layout_with_only_map_options(
    tmp_path, plan, admin_user, layout
):
    build, mapping, filename, extra, setup = LAYOUTS[layout]
    if setup:
        setup(plan)
    data, expected = build()
    path = tmp_path / filename
    path.write_bytes(data)
    out = StringIO()
    maps = [f"--map={header}={field}" for header, field in mapping.items()]

    call_command(
        "import_plan",
        str(path),
        "--plan",
        plan.slug,
        "--user",
        admin_user.username,
        *maps,
        *extra,
        stdout=out,
    )

    _assert_matches(plan, expected)
    printed = out.getvalue()
    assert "Imported." in printed
    assert "  header: row" in printed


def test_a_criteria_plan_reads_one_column_per_criterion_and_derives_its_rag(plan):
    import datetime

    from improvement.models import Plan
    from improvement.rag import derive_action_rag

    plan.rag_rule = Plan.RagRule.CRITERIA
    plan.save()

    summary = import_workbook(
        plan=plan, data=layouts.criteria_plan()[0], filename="ready.xlsx", dry_run=False
    )

    assert summary.ok, summary.lines()
    today = datetime.date(2025, 1, 1)
    for number, met, rag in layouts.CRITERIA_ROWS:
        action = Action.objects.select_related("plan").get(plan=plan, number=str(number))
        # PostgreSQL's jsonb keeps keys in its own order: read the answers in the plan's order.
        answers = [action.criteria.get(c["key"]) for c in plan.criteria]
        assert answers == [None if m is None else m == "Yes" for m in met]
        assert derive_action_rag(action, today=today).rag == rag


def test_a_date_cell_shown_as_a_month_and_year_is_that_month_s_last_day(plan):
    import datetime

    import openpyxl

    from tests.improvement.layouts import _save

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["No", "Action", "Due"])
    sheet.append([1, "Recruit", datetime.datetime(2013, 11, 1)])
    sheet["C2"].number_format = "mmm-yy"
    sheet.append([2, "Train", datetime.datetime(2013, 11, 1)])
    sheet["C3"].number_format = "dd/mm/yyyy"

    summary = import_workbook(plan=plan, data=_save(book), filename="p.xlsx", dry_run=False)

    assert summary.ok, summary.lines()
    due = dict(Action.objects.values_list("number", "due_on"))
    assert due == {"1": datetime.date(2013, 11, 30), "2": datetime.date(2013, 11, 1)}


def test_a_rating_between_two_colours_or_in_words_is_read_and_said(plan):
    from tests.improvement.workbooks import xlsx

    rows = [
        ["No", "Action", "RAG"],
        [1, "Recruit", "Amber/Green"],
        [2, "Train", "R-A"],
        [3, "Audit", "On track"],
        [4, "Review", "Off track"],
    ]

    summary = import_workbook(
        plan=plan, data=xlsx({"Plan": rows}), filename="p.xlsx", dry_run=False
    )

    assert summary.ok, summary.lines()
    rags = dict(Action.objects.values_list("number", "progress_rag"))
    assert rags == {"1": "amber", "2": "red", "3": "green", "4": "red"}
    warnings = [w.message for w in summary.sheet("Plan").warnings]
    assert '"Amber/Green" is between two ratings: read as Amber, the more cautious.' in warnings


def test_the_plan_workbook_re_imports_a_blank_objective_as_blank(plan):
    from improvement.importing.export import export_plan_workbook

    theme = factories.ThemeFactory(plan=plan, name="Practice")
    period = factories.PeriodFactory(plan=plan, name="January - March 2017", code="JAN17")
    objective = factories.ObjectiveFactory(plan=plan, theme=theme, title="Plans are SMART")
    factories.ActionFactory(
        plan=plan, reference="JAN17-1", number="1", theme=theme, period=period, objective=objective
    )
    factories.ActionFactory(
        plan=plan, reference="JAN17-2", number="2", theme=theme, period=period, objective=None
    )

    summary = import_workbook(plan=plan, data=export_plan_workbook(plan), filename="plan.xlsx")

    assert summary.ok, summary.lines()
    assert summary.sheet("actions").unchanged == 2
    assert Action.objects.get(reference="JAN17-2").objective is None
