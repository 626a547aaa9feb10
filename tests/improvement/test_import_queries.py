"""The import's database cost is per sheet, not per row: 50 rows cost about what 5 rows cost."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.importing.workbook import import_workbook
from improvement.models import Action
from tests import factories
from tests.improvement.workbooks import xlsx

HEADER = ["theme", "period", "objective", "no", "recs", "action", "by_when", "lead", "progress_rag"]


def sheet(rows: int) -> bytes:
    return xlsx(
        {
            "Actions": [
                HEADER,
                *[
                    [
                        "People",
                        "January - March 2017",
                        "Stable workforce",
                        n + 1,
                        "1, 2",
                        f"Action {n}",
                        "31/03/2017",
                        "Head of HR\nHead of Fostering",
                        "Green",
                    ]
                    for n in range(rows)
                ],
            ]
        }
    )


def queries_to_import(plan, data) -> int:
    with CaptureQueriesContext(connection) as captured:
        summary = import_workbook(plan=plan, data=data, dry_run=False)
    assert summary.ok, summary.lines()
    return len(captured)


def test_importing_new_and_unchanged_rows_costs_the_same_queries_for_5_or_50_rows(db):
    plans = [factories.PlanFactory(), factories.PlanFactory()]
    for plan in plans:
        for ref in ("1", "2"):
            rec = factories.RecommendationFactory(
                reference=ref, inspection__title=f"{plan.slug} {ref}"
            )
            plan.inspections.add(rec.inspection)
    factories.LeadFactory(name="Head of HR")
    factories.LeadFactory(name="Head of Fostering")

    small, large = plans
    new_small, new_large = queries_to_import(small, sheet(5)), queries_to_import(large, sheet(50))
    again_small = queries_to_import(small, sheet(5))
    again_large = queries_to_import(large, sheet(50))

    assert Action.objects.count() == 55
    # Only the bulk inserts may split: SQLite caps the parameters of one statement.
    assert new_small <= new_large <= new_small + 4
    assert again_small == again_large
