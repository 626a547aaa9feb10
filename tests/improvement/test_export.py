import pytest

from improvement.importing.export import export_actions_xlsx, export_plan_workbook
from improvement.models import Action, Rag, Status
from tests import factories
from tests.improvement.workbooks import read_xlsx


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


def test_exported_actions_read_back_in_the_import_layout_with_formulas_escaped(action):
    sheets = read_xlsx(export_actions_xlsx(Action.objects.filter(pk=action.pk)))

    header, row = sheets["Actions"]
    values = dict(zip(header, row, strict=True))
    assert values["reference"] == "SEP16-4"
    assert values["action"] == '\'=HYPERLINK("http://evil.example")'
    assert values["comments"] == "'@SUM(A1) -2 +3"
    assert values["lead"] == "Head of Safeguarding\nHead of Fostering"
    assert values["recs"] == "7"
    assert values["by_when"] == "On going"
    assert values["progress_rag"] == "Amber"
    assert values["status"] == "In progress"
    assert values["key_action"] is True
    assert "co_leads" not in header


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
