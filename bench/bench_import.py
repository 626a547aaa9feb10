"""An action workbook through the import pipeline, against the floor.

The workbook is synthetic, as many rows as the demo's action plan (fixtures/wirral/) times the
scale. The floor is the least any importer must do: read the same workbook with openpyxl and
bulk_create the same rows. The pipeline also finds the header, maps aliases, fills blocks down,
matches leads and recommendations, diffs against existing rows and writes history.
Each figure is the best of RUNS (fewer at 10×), each run into a fresh plan rolled back after.
Runs in a scratch test database, never db.sqlite3.
"""

import io
import sys
import time

import openpyxl
from django.db import connection, transaction
from django.test.utils import setup_test_environment, teardown_test_environment

from bench.figures import Figure, actions_at

RUNS = 3
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


def workbook(rows: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Action Plan"
    sheet.append(["Synthetic council – improvement action plan"])
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append(
            [
                THEMES[n % 3],
                PERIODS[n * 3 // rows],
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

    # An authority per plan: no run finds the leads an earlier run made.
    synthetic = Authority.objects.create(name=f"Synthetic Council {slug}", slug=f"synthetic-{slug}")
    plan = Plan.objects.create(slug=slug, title=slug, authority=synthetic)
    inspection = Inspection.objects.create(title=f"Inspection {slug}", authority=synthetic)
    Recommendation.objects.bulk_create(
        Recommendation(inspection=inspection, reference=str(n), text=f"Rec {n}")
        for n in range(1, 20)
    )
    plan.inspections.add(inspection)
    return plan


def floor(data: bytes, slug: str = "floor") -> float:
    from improvement.models import Action

    plan = _plan(slug)
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


def pipeline(data: bytes, plan=None, slug: str = "pipeline") -> tuple[float, object, object]:
    from improvement.importing.workbook import import_workbook

    plan = plan or _plan(slug)
    started = time.perf_counter()
    summary = import_workbook(plan=plan, data=data, filename="bench.xlsx", dry_run=False)
    elapsed = time.perf_counter() - started
    assert summary.ok, summary.lines()[:5]
    return elapsed, plan, summary


def _best(runs: int, work) -> tuple[float, object]:
    """The fastest of `runs` calls of work(run), each into plans of its own (committed, so what
    the pipeline defers to the commit is timed too)."""
    best = None
    for run in range(runs):
        seconds, result = work(run)
        if best is None or seconds < best[0]:
            best = (seconds, result)
    return best


def measure(scale: int) -> list[Figure]:
    rows = actions_at(scale)
    runs = RUNS if scale == 1 else 1
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        data = workbook(rows)
        floor_s, _ = _best(runs, lambda run: (floor(data, f"floor-{run}"), None))

        def empty_plan(run):
            seconds, _plan, summary = pipeline(data, slug=f"empty-{run}")
            return seconds, summary

        def same_file_again(run):
            _, plan, _ = pipeline(data, slug=f"again-{run}")
            seconds, _plan, summary = pipeline(data, plan)
            return seconds, summary

        first_s, first = _best(runs, empty_plan)
        again_s, again = _best(runs, same_file_again)
        print(
            f"import, {rows} rows ({connection.vendor}): {first.sheets[0].new} new, "
            f"{len(first.sheets[0].warnings)} warnings; again {again.sheets[0].unchanged} "
            "unchanged",
            file=sys.stderr,
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    size = f"{rows:,} rows"
    least = ("openpyxl read + bulk_create", floor_s)
    return [
        Figure("import", "workbook into an empty plan", size, first_s, "s", *least),
        Figure("import", "same workbook again (unchanged)", size, again_s, "s", *least),
    ]
