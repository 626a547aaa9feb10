"""A 2,000-row action workbook through the import pipeline, against the floor.

The floor is the least any importer must do: read the same workbook with openpyxl and
bulk_create the same rows. The pipeline also finds the header, maps aliases, fills blocks down,
matches leads and recommendations, diffs against existing rows and writes history.
Runs in a scratch test database, never db.sqlite3.
"""

import io
import time

import openpyxl
from django.db import connection, transaction
from django.test.utils import setup_test_environment, teardown_test_environment

ROWS = 2_000
THEMES = ("People", "Practice", "Performance")
PERIODS = ("September - December 2016", "January - March 2017", "April - June 2017")
HEADER = [
    "theme",
    "period",
    "objective",
    "no",
    "key_action",
    "recs",
    "action",
    "by_when",
    "lead",
    "impact",
    "progress_rag",
    "comments",
]


def workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Action Plan"
    sheet.append(["Synthetic council – improvement action plan"])
    sheet.append(HEADER)
    for n in range(ROWS):
        sheet.append(
            [
                THEMES[n % 3],
                PERIODS[n * 3 // ROWS],
                f"Objective {n // 20}: children are safer",
                n + 1,
                n % 17 == 0,
                f"{n % 19 + 1}, {(n + 5) % 19 + 1}",
                f"Action {n}: audit a sample of cases and report findings to the board",
                "31/04/2017" if n % 50 == 0 else f"{n % 28 + 1:02d}/03/2017",
                f"Head of Service {n % 40}\nDeputy Lead {n % 7}",
                f"Impact {n}: practice improves",
                ("Red", "Amber", "Green", "Complete", "")[n % 5],
                f"Comment {n}",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plan(slug):
    from authorities.models import Authority
    from improvement.models import Plan
    from inspections.models import Inspection, Recommendation

    synthetic = Authority.objects.get_or_create(name="Synthetic Council", slug="synthetic")[0]
    plan = Plan.objects.create(slug=slug, title=slug, authority=synthetic)
    inspection = Inspection.objects.create(title=f"Inspection {slug}", authority=synthetic)
    Recommendation.objects.bulk_create(
        Recommendation(inspection=inspection, reference=str(n), text=f"Rec {n}")
        for n in range(1, 20)
    )
    plan.inspections.add(inspection)
    return plan


def floor(data: bytes) -> float:
    from improvement.models import Action

    plan = _plan("floor")
    started = time.perf_counter()
    with transaction.atomic():
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        Action.objects.bulk_create(
            Action(
                plan=plan,
                reference=f"{r[1][:3]}-{r[3]}",
                number=str(r[3]),
                text=r[6],
                due_text=r[7],
                expected_impact=r[9],
                commentary=r[11],
            )
            for r in rows
        )
    return time.perf_counter() - started


def pipeline(data: bytes, plan=None) -> tuple[float, object]:
    from improvement.importing.workbook import import_workbook

    plan = plan or _plan("pipeline")
    started = time.perf_counter()
    summary = import_workbook(plan=plan, data=data, filename="bench.xlsx", dry_run=False)
    elapsed = time.perf_counter() - started
    assert summary.ok, summary.lines()[:5]
    return elapsed, plan, summary


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        data = workbook()
        floor_s = floor(data)
        first_s, plan, summary = pipeline(data)
        again_s, _, again = pipeline(data, plan)
        sheet = summary.sheets[0]
        print(f"rows: {ROWS} ({connection.vendor})")
        print(f"floor (openpyxl read + bulk_create): {floor_s:.2f} s")
        print(
            f"pipeline, empty plan: {first_s:.2f} s ({sheet.new} new, "
            f"{len(sheet.warnings)} warnings) = {first_s / floor_s:.1f}x the floor"
        )
        print(
            f"pipeline, same file again: {again_s:.2f} s "
            f"({again.sheets[0].unchanged} unchanged) = {again_s / floor_s:.1f}x the floor"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
