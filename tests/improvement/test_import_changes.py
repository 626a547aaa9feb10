"""Export → import reproduces a plan; an edited workbook updates exactly the rows that changed."""

import io

import openpyxl
import pytest

from improvement.importing.export import export_actions_xlsx, export_plan_workbook
from improvement.importing.resources import IMPORT_ADDED, IMPORT_COMMENTARY
from improvement.importing.workbook import import_workbook
from improvement.models import Action, Measure, Plan, ProgressUpdate, Rag, Risk, Status
from tests import factories
from tests.improvement.workbooks import wirral

ACTION_FIELDS = [
    "reference",
    "number",
    "text",
    "is_key_action",
    "due_on",
    "due_text",
    "due_needs_review",
    "status",
    "progress_rag",
    "expected_impact",
    "impact_evidence",
    "commentary",
    "improvement_measure",
    "order",
]
RISK_FIELDS = [
    "reference",
    "description",
    "review_text",
    "existing_controls",
    "additional_controls",
    "likelihood",
    "impact",
    "score",
    "residual_likelihood",
    "residual_impact",
    "target_score",
    "status",
    "order",
]


def run(plan, data, user=None, **kwargs):
    summary = import_workbook(plan=plan, data=data, filename="plan.xlsx", user=user, **kwargs)
    assert summary.ok, summary.lines()
    return summary


@pytest.fixture
def wirral_plan(db):
    plan = Plan.objects.create(
        slug="wirral", title="Wirral", authority=factories.AuthorityFactory(name="Wirral Council")
    )
    for name in ("recommendations.xlsx", "action_plan.xlsx", "risk_register.xlsx"):
        run(plan, wirral(name), dry_run=False)
    return plan


def snapshot(plan):
    actions = {}
    for a in Action.objects.filter(plan=plan).select_related(
        "theme", "period", "objective", "lead"
    ):
        actions[a.reference] = {
            **{f: getattr(a, f) for f in ACTION_FIELDS},
            "theme": a.theme and a.theme.name,
            "period": a.period and (a.period.name, a.period.code),
            "objective": a.objective and a.objective.title,
            "lead": a.lead and a.lead.name,
            "co_leads": sorted(c.name for c in a.co_leads.all()),
            "recommendations": sorted(r.reference for r in a.recommendations.all()),
        }
    risks = {
        r.reference: {**{f: getattr(r, f) for f in RISK_FIELDS}, "owner": r.owner and r.owner.name}
        for r in Risk.objects.filter(plan=plan).select_related("owner")
    }
    measures = {
        m.name: (
            m.unit,
            m.direction,
            m.target,
            sorted(t.name for t in m.themes.all()),
            sorted(r.reference for r in m.recommendations.all()),
            [(v.period_ending, v.label, v.value, v.note) for v in m.values.all()],
        )
        for m in Measure.objects.filter(plan=plan)
    }
    recommendations = {
        r.reference: (r.inspection.title, r.body, r.text, r.timescale, r.order)
        for r in plan.recommendations().select_related("inspection")
    }
    return {"actions": actions, "risks": risks, "measures": measures, "recs": recommendations}


def test_export_then_import_into_a_new_plan_reproduces_it_field_by_field(wirral_plan):
    measure = factories.MeasureFactory(plan=wirral_plan, name="Repeat referrals", target=22)
    measure.themes.add(wirral_plan.themes.get(name="Practice"))
    measure.recommendations.add(wirral_plan.recommendations().get(reference="3"))
    factories.MeasureValueFactory(measure=measure, label="Jan 2017", value="23.50", note="=1+1")
    action = Action.objects.get(plan=wirral_plan, reference="JAN17-5")
    action.commentary = "-3 cases still open; @team to review"
    action.save()
    before = snapshot(wirral_plan)
    exported = export_plan_workbook(wirral_plan)
    # Another council's plan shares no inspection or lead: the import must recreate them all.
    # (The first plan stays: its actions' progress updates are their audit trail.)
    copy = Plan.objects.create(
        slug="copy", title="Copy", authority=factories.AuthorityFactory(name="Copy Council")
    )
    summary = run(copy, exported, dry_run=False)

    assert [(s.sheet, s.new) for s in summary.sheets] == [
        ("Recommendations", 26),
        ("Actions", 133),
        ("Risks", 7),
        ("Measures", 1),
        ("Measure values", 1),
    ]
    after = snapshot(copy)
    assert after["recs"] == before["recs"]
    assert after["risks"] == before["risks"]
    assert after["measures"] == before["measures"]
    assert after["actions"].keys() == before["actions"].keys()
    for reference, fields in before["actions"].items():
        assert after["actions"][reference] == fields, reference


def _since_added():
    """Progress updates after each action's first, which says it was added by the import."""
    return ProgressUpdate.objects.exclude(commentary=IMPORT_ADDED, action_version=1)


def _edit(data: bytes, edits: dict[tuple[int, str], object]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    header = [c.value for c in sheet[2]]
    for (row, column), value in edits.items():
        sheet.cell(row=row, column=header.index(column) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_edited_workbook_updates_exactly_the_changed_rows(wirral_plan, admin_user):
    edited = _edit(
        wirral("action_plan.xlsx"),
        {(4, "action"): "Develop and publish a communication strategy", (5, "comments"): "Started"},
    )

    summary = run(wirral_plan, edited, user=admin_user, dry_run=False)

    sheet = summary.sheet("Action Plan")
    assert (sheet.new, sheet.updated, sheet.unchanged) == (0, 2, 131)
    assert Action.objects.get(reference="SEP16-2").text.startswith("Develop and publish")
    assert Action.objects.get(reference="SEP16-3").commentary == "Started"
    # Each changed row is one write on record: the new wording too, not only progress.
    assert sorted(_since_added().values_list("action__reference", "commentary")) == [
        ("SEP16-2", IMPORT_COMMENTARY),
        ("SEP16-3", "Started"),
    ]


def test_a_rag_or_due_change_on_an_existing_action_is_recorded_as_progress_by_the_importer(
    wirral_plan, admin_user
):
    # Row 12 is Sep–Dec Practice 10, not yet rated, due 31/12/2016.
    edited = _edit(
        wirral("action_plan.xlsx"), {(12, "progress_rag"): "Amber", (12, "by_when"): "31/01/2017"}
    )
    action = Action.objects.get(reference="SEP16-10")
    assert (action.progress_rag, action.version) == (Rag.NOT_RATED, 1)

    run(wirral_plan, edited, user=admin_user, dry_run=False)

    action.refresh_from_db()
    update = _since_added().get(action=action)
    assert (update.progress_rag_before, update.progress_rag_after) == (Rag.NOT_RATED, Rag.AMBER)
    assert str(update.due_on_after) == "2017-01-31"
    assert update.by == admin_user
    assert update.commentary == IMPORT_COMMENTARY
    assert (action.progress_rag, action.due_text, action.version) == (Rag.AMBER, "31/01/2017", 2)
    # Importing the edited file again is a no-op: no second progress update.
    summary = run(wirral_plan, edited, user=admin_user, dry_run=False)
    assert summary.sheet("Action Plan").updated == 0
    assert _since_added().count() == 1


def test_complete_in_the_sheet_completes_an_existing_action_through_record_progress(
    wirral_plan, admin_user
):
    edited = _edit(wirral("action_plan.xlsx"), {(12, "progress_rag"): "complete"})

    run(wirral_plan, edited, user=admin_user, dry_run=False)

    action = Action.objects.get(reference="SEP16-10")
    assert (action.status, action.progress_rag) == (Status.COMPLETE, Rag.GREEN)
    assert action.completed_on is not None
    assert _since_added().get(action=action).status_after == Status.COMPLETE


def test_a_dry_run_reports_the_changes_and_writes_nothing(wirral_plan, admin_user):
    edited = _edit(
        wirral("action_plan.xlsx"), {(12, "progress_rag"): "Red", (12, "comments"): "Late"}
    )

    summary = run(wirral_plan, edited, user=admin_user, dry_run=True)

    assert summary.sheet("Action Plan").updated == 1
    action = Action.objects.get(reference="SEP16-10")
    assert (action.progress_rag, action.version) == (Rag.NOT_RATED, 1)
    assert not _since_added().exists()


def test_exported_action_list_imports_back_unchanged(wirral_plan):
    data = export_actions_xlsx(Action.objects.filter(plan=wirral_plan, theme__name="People"))

    summary = run(wirral_plan, data, dry_run=False)

    sheet = summary.sheet("Actions")
    assert (sheet.new, sheet.updated, sheet.unchanged) == (0, 0, 26)
