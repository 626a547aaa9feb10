"""The Wirral workbooks, unmodified, import into an empty plan; a second run changes nothing."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from improvement.importing.widgets import UNKNOWN_RECOMMENDATION
from improvement.models import Action, Lead, Plan, Risk, Status, normalise_name
from inspections.models import Recommendation
from tests import factories
from tests.improvement.workbooks import WIRRAL


def csv_rows(name: str) -> int:
    with (WIRRAL / name).open(encoding="utf-8") as f:
        return len(list(csv.DictReader(f)))


def import_plan(*paths, plan="wirral", **options):
    if "create_plan" in options:
        options.setdefault("authority", "Wirral Council")
    out = StringIO()
    call_command(
        "import_plan",
        *[str(WIRRAL / p) for p in paths],
        plan=plan,
        stdout=out,
        **options,
    )
    return out.getvalue()


@pytest.fixture
def wirral_plan(db):
    import_plan("recommendations.xlsx", create_plan="Wirral improvement plan")
    return Plan.objects.get(slug="wirral")


def test_recommendations_workbook_imports_every_row_of_the_csv(db):
    out = import_plan("recommendations.xlsx", create_plan="Wirral improvement plan")

    plan = Plan.objects.get(slug="wirral")
    assert plan.recommendations().count() == csv_rows("recommendations.csv") == 26
    assert "Recommendations (Recommendations): 26 new, 0 updated, 0 unchanged" in out
    sb4 = plan.recommendations().get(reference="SB4")
    assert (sb4.body, sb4.inspection.title) == ("safeguarding", "Ofsted SIF Wirral 2016")


def test_action_plan_workbook_imports_every_row_and_flags_the_impossible_dates(wirral_plan):
    out = import_plan("action_plan.xlsx")

    assert Action.objects.filter(plan=wirral_plan).count() == csv_rows("action_plan.csv") == 133
    assert "133 new, 0 updated, 0 unchanged" in out
    flagged = Action.objects.filter(plan=wirral_plan, due_needs_review=True)
    assert {"SEP16-21", "APR17-9", "APR17-10"} <= set(flagged.values_list("reference", flat=True))
    assert flagged.get(reference="SEP16-21").due_text == "31/11/2016"
    assert 'Due date "31/11/2016" is not a real date' in out


def test_action_plan_cells_are_read_as_the_council_meant_them(wirral_plan):
    import_plan("action_plan.xlsx")
    actions = {a.reference: a for a in Action.objects.filter(plan=wirral_plan)}

    assert sorted(r.reference for r in actions["SEP16-4"].recommendations.all()) == ["15", "5"]
    assert actions["JAN17-22"].is_key_action
    assert actions["SEP16-1"].status == Status.COMPLETE
    # Merged impact cells: the second row of Sep–Dec 15–16 has the same impact as the first.
    assert actions["SEP16-16"].expected_impact == actions["SEP16-15"].expected_impact != ""
    lscb = actions["LSCB-1.2"]
    assert (lscb.lead.name, [c.name for c in lscb.co_leads.all()]) == (
        "Chair of WSCB",
        ["WSCB Business Manager"],
    )
    assert lscb.period is None
    assert lscb.recommendations.get().reference == "SB1"
    # Two spellings of one post are one lead.
    assert (
        Lead.objects.filter(
            name_key=normalise_name("Deputy Director, Children’s Care Services")
        ).count()
        == 1
    )


def test_risk_register_workbook_imports_every_row(db):
    out = import_plan("risk_register.xlsx", create_plan="Wirral improvement plan")

    assert Risk.objects.count() == csv_rows("risk_register.csv") == 7
    assert "7 new, 0 updated, 0 unchanged, 3 warnings, 0 errors" in out  # 3 new owners
    risk = Risk.objects.get(reference="2")
    assert (risk.likelihood, risk.impact, risk.score, risk.review_text) == (
        3,
        5,
        15,
        "December 2016",
    )


def test_importing_the_same_workbooks_again_changes_nothing(wirral_plan, admin_user):
    import_plan("action_plan.xlsx", "risk_register.xlsx")
    versions = list(Action.objects.order_by("pk").values_list("version", flat=True))

    out = import_plan(
        "recommendations.xlsx", "action_plan.xlsx", "risk_register.xlsx", user=admin_user.username
    )

    assert out.count("0 new, 0 updated") == 3
    assert "0 new, 0 updated, 133 unchanged" in out
    assert list(Action.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_action_plan_into_a_plan_without_its_recommendations_fails_and_writes_nothing(db):
    Plan.objects.create(
        slug="empty", title="Empty", authority=factories.AuthorityFactory(name="Wirral Council")
    )

    with pytest.raises(CommandError):
        import_plan("action_plan.xlsx", plan="empty")

    assert not Action.objects.exists()
    assert not Lead.objects.exists()
    assert not Recommendation.objects.exists()


def test_a_failed_import_prints_the_sheet_row_and_column(db):
    Plan.objects.create(
        slug="empty", title="Empty", authority=factories.AuthorityFactory(name="Wirral Council")
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_plan", str(WIRRAL / "action_plan.xlsx"), plan="empty", stdout=out)

    message = UNKNOWN_RECOMMENDATION.format(ref="5")
    assert f'sheet Action Plan, row 6, column recs: {message} (value "5, 15")' in out.getvalue()


def test_dry_run_with_create_plan_prints_the_summary_and_creates_nothing(db):
    out = import_plan("recommendations.xlsx", create_plan="Wirral", dry_run=True)

    assert "26 new" in out
    assert "Dry run: nothing was saved." in out
    assert not Plan.objects.exists()
    assert not Recommendation.objects.exists()
