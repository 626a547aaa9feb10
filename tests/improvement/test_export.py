import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from improvement.importing.export import export_actions_xlsx, export_plan_workbook
from improvement.models import Action, Rag, Status
from tests import factories
from tests.improvement.workbooks import read_xlsx, string_cells
from tests.security.hostile import DANGEROUS


@pytest.fixture
def action(plan):
    rec = factories.RecommendationFactory(reference="7")
    plan.inspections.add(rec.inspection)
    action = factories.ActionFactory(
        plan=plan,
        reference="SEP16-4",
        number="4",
        text='=HYPERLINK("http://evil.example")',
        lead=factories.LeadFactory(name="Head of Safeguarding"),
        due_on=None,
        due_text="On going",
        due_needs_review=True,
        progress_rag=Rag.AMBER,
        status=Status.IN_PROGRESS,
        commentary="@SUM(A1) -2 +3",
        is_key_action=True,
    )
    action.recommendations.add(rec)
    action.co_leads.add(factories.LeadFactory(name="Head of Fostering"))
    return action


def test_exported_actions_read_back_in_the_import_layout_as_written(action):
    data = export_actions_xlsx(Action.objects.filter(pk=action.pk))

    header, row = read_xlsx(data)["Actions"]
    values = dict(zip(header, row, strict=True))
    assert values["reference"] == "SEP16-4"
    assert values["action"] == '=HYPERLINK("http://evil.example")'
    assert values["comments"] == "@SUM(A1) -2 +3"
    assert values["lead"] == "Head of Safeguarding\nHead of Fostering"
    assert values["recs"] == "7"
    assert values["by_when"] == "On going"
    assert values["progress_rag"] == "Amber"
    assert values["status"] == "In progress"
    assert values["key_action"] is True
    assert "co_leads" not in header
    cells = string_cells(data)
    assert cells['=HYPERLINK("http://evil.example")'] == cells["@SUM(A1) -2 +3"] == "s"


def _as_read(text):
    # XML may normalise a carriage return in a cell to a line feed: openpyxl's own parser does,
    # lxml (when installed) keeps it. Either way the text is the text written.
    return text.replace("\r", "\n")


@pytest.mark.parametrize("text", [*DANGEROUS, "- reviewed monthly"])
def test_hostile_text_is_a_plain_string_cell_in_every_xlsx_export(plan, text):
    lead = factories.LeadFactory(name=text)
    # No date, as the import leaves a due that is not one: the text is then written as it is.
    action = factories.ActionFactory(
        plan=plan, reference=text, text=text, commentary=text, lead=lead, due_on=None, due_text=text
    )

    for data in (
        export_actions_xlsx(Action.objects.filter(pk=action.pk)),
        export_plan_workbook(plan),
    ):
        book = openpyxl.load_workbook(io.BytesIO(data))
        header = [c.value for c in book["Actions"][1]]
        cells = dict(zip(header, book["Actions"][2], strict=True))
        for column in ("reference", "action", "comments", "lead", "by_when"):
            assert cells[column].data_type == "s", column
            assert _as_read(cells[column].value) == _as_read(text), column


def test_numbers_and_flags_stay_typed_in_the_xlsx(plan):
    factories.MeasureFactory(plan=plan, name="Repeat referrals", target=Decimal("12.5"))
    factories.ActionFactory(plan=plan, reference="SEP16-1", is_key_action=True)

    book = openpyxl.load_workbook(io.BytesIO(export_plan_workbook(plan)))

    measure = dict(zip([c.value for c in book["Measures"][1]], book["Measures"][2], strict=True))
    action = dict(zip([c.value for c in book["Actions"][1]], book["Actions"][2], strict=True))
    assert (measure["target"].value, measure["target"].data_type) == (12.5, "n")
    assert (action["key_action"].value, action["key_action"].data_type) == (True, "b")


def test_the_export_plan_command_writes_text_as_text(plan, tmp_path):
    factories.ActionFactory(plan=plan, reference="SEP16-1", text="=1+1", commentary="- reviewed")
    out = tmp_path / "plan.xlsx"

    call_command("export_plan", plan=plan.slug, out=str(out))

    header, row = read_xlsx(out.read_bytes())["Actions"]
    values = dict(zip(header, row, strict=True))
    assert (values["action"], values["comments"]) == ("=1+1", "- reviewed")
    assert string_cells(out.read_bytes())["=1+1"] == "s"


def test_plan_workbook_has_one_sheet_per_kind_with_a_header_row(action, plan):
    factories.RiskFactory(plan=plan, reference="1", owner=action.lead)
    measure = factories.MeasureFactory(plan=plan, name="Repeat referrals")
    factories.MeasureValueFactory(measure=measure)

    sheets = read_xlsx(export_plan_workbook(plan))

    assert list(sheets) == ["Recommendations", "Actions", "Risks", "Measures", "Measure values"]
    assert [len(rows) for rows in sheets.values()] == [2, 2, 2, 2, 2]
    assert sheets["Risks"][0][:4] == ("no", "description", "owner", "date_raised_reviewed")


def test_exporting_a_plan_costs_the_same_queries_for_one_action_or_many(
    action, plan, django_assert_max_num_queries
):
    for n in range(20):
        factories.ActionFactory(plan=plan, reference=f"JAN17-{n}")

    with django_assert_max_num_queries(20):
        export_plan_workbook(plan)


def test_an_empty_list_exports_as_a_header_row_only(db):
    sheets = read_xlsx(export_actions_xlsx(Action.objects.none()))

    assert len(sheets["Actions"]) == 1
    assert sheets["Actions"][0][:3] == ("reference", "theme", "period")
