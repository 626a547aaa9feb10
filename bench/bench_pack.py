"""Board pack, end to end, beside WeasyPrint alone rendering the same saved HTML.

End to end = issue_pack → task → snapshot from history → movement → HTML → tagged PDF (the
reading and the archive copy) → stored.
The baseline is WeasyPrint rendering both copies' saved HTML with the same options and fetcher,
in the same process, so the ratio shows what the pipeline adds to the unavoidable layout cost.
Target: ratio ≤ 1.25. At scale 1 the demo plan (`load_demo`), at 10× a synthetic plan of ten
times its actions; best of RUNS at the demo size, one run at 10×. Runs in a scratch database
(create_test_db) and a temporary media folder.
"""

import datetime
import gc
import io
import sys
import tempfile
import time

from django.core.management import call_command, get_commands
from django.db import connection
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history
from weasyprint import HTML

from authorities.models import Authority
from bench.figures import Figure, actions_at, ratio_goal
from boards.models import Board, Meeting, MeetingAction, Pack
from boards.pack.render import PACK_ORIGIN, PDF_OPTIONS, StaticOnlyFetcher, render_html
from boards.services import issue_pack
from improvement.models import (
    Action,
    Lead,
    Measure,
    MeasureValue,
    Objective,
    Plan,
    Rag,
    Risk,
    Status,
    Theme,
)
from inspections.models import Inspection, Recommendation

ACTIONS = 500
RUNS = 2
RATIO_GOAL = 1.25
STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.COMPLETE]
RAGS = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREEN, Rag.NOT_RATED]
# The packs' notices are sent in this process: kept in memory, not printed.
KEPT_MAIL = "django.core.mail.backends.locmem.EmailBackend"
IN_THIS_PROCESS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _benchtown() -> Authority:
    return Authority.objects.get_or_create(name="Benchtown Council", slug="benchtown")[0]


def _synthetic_plan(actions: int = ACTIONS) -> tuple[Plan, Board]:
    today = timezone.localdate()
    plan = Plan.objects.create(
        authority=_benchtown(), title="Benchtown improvement plan", slug="bench"
    )
    inspection = Inspection.objects.create(title="Ofsted SIF Benchtown", authority=plan.authority)
    plan.inspections.add(inspection)
    recs = [
        Recommendation.objects.create(
            inspection=inspection, reference=str(n), text=f"Ensure that area {n} improves.", order=n
        )
        for n in range(1, 21)
    ]
    leads = [
        Lead.objects.create(authority=plan.authority, name=f"Head of Service {n}")
        for n in range(12)
    ]
    themes = [
        Theme.objects.create(plan=plan, name=name, order=n)
        for n, name in enumerate(["People", "Practice", "Performance", "Partnership"])
    ]
    objectives = [
        Objective.objects.create(
            plan=plan, theme=themes[n % 4], title=f"Objective {n}: children are safer", order=n
        )
        for n in range(24)
    ]
    rows = bulk_create_with_history(
        [
            Action(
                plan=plan,
                reference=f"A{n}",
                number=str(n),
                theme=objectives[n % 24].theme,
                objective=objectives[n % 24],
                text=f"Action {n}: review and improve the quality of practice in area {n % 37}, "
                "with audit evidence reported to the board.",
                lead=leads[n % 12],
                is_key_action=n % 40 == 0,
                due_on=today + datetime.timedelta(days=(n % 120) - 60),
                first_due_on=today,
                status=STATUSES[n % 4],
                progress_rag=RAGS[n % 5],
                impact_evidence="Audit shows improvement." if n % 8 == 3 else "",
                commentary=f"Progress noted at the last review of action {n}." if n % 3 else "",
                order=n,
            )
            for n in range(actions)
        ],
        Action,
    )
    Action.recommendations.through.objects.bulk_create(
        Action.recommendations.through(action_id=a.pk, recommendation_id=recs[i % 19].pk)
        for i, a in enumerate(Action.objects.filter(plan=plan).order_by("pk"))
    )
    for m in range(8):
        measure = Measure.objects.create(
            plan=plan, name=f"Measure {m}", unit="%", target=80, order=m
        )
        if m == 7:
            continue
        bulk_create_with_history(
            [
                MeasureValue(
                    measure=measure,
                    period_ending=today - datetime.timedelta(days=30 * (15 - k)),
                    label=f"P{k + 1}",
                    value=55 + k * 2 + m,
                )
                for k in range(15)
            ],
            MeasureValue,
        )
    for r in range(20):
        Risk.objects.create(
            plan=plan,
            reference=f"R{r}",
            description=f"Risk {r} materialises",
            owner=leads[r % 12],
            likelihood=1 + r % 5,
            impact=1 + (r * 2) % 5,
            residual_likelihood=1 + r % 3,
            residual_impact=1 + r % 4,
            existing_controls="Monthly monitoring",
        )
    board = Board.objects.create(authority=plan.authority, name="Benchtown Improvement Board")
    board.plans.add(plan)
    meeting = Meeting.objects.create(board=board, held_on=today - datetime.timedelta(days=28))
    for k in range(6):
        MeetingAction.objects.create(meeting=meeting, number=k + 1, text=f"Report back on item {k}")
    assert len(rows) == actions
    return plan, board


def _compare(label: str, plan: Plan, board: Board, runs: int = RUNS) -> list[Figure]:
    as_at = timezone.localdate()
    versions = iter(range(1, 100))

    def end_to_end() -> Pack:
        version = next(versions)
        reason = "" if version == 1 else f"Bench run {version}"
        pack = issue_pack(plan=plan, board=board, as_at=as_at, by=None, reason=reason)
        return Pack.objects.get(pk=pack.pk)

    def weasyprint_alone(html: str):
        document = HTML(string=html, base_url=f"{PACK_ORIGIN}/", url_fetcher=StaticOnlyFetcher())
        document = document.render(**PDF_OPTIONS)
        return len(document.pages), document.write_pdf(**PDF_OPTIONS)

    # Interleaved, best of RUNS each, so neither side gains from running first or warmer.
    pipeline_times, baseline_times = [], []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        pack = end_to_end()
        pipeline_times.append(time.perf_counter() - started)
        assert pack.status == Pack.PackStatus.ISSUED, pack.error
        # The pack is issued in two copies, so the baseline lays out both.
        html = render_html(pack.snapshot, version=pack.version)
        archive_html = render_html(pack.snapshot, version=pack.version, appendix=True)
        gc.collect()
        started = time.perf_counter()
        pages, _pdf = weasyprint_alone(html)
        archive_pages, _pdf = weasyprint_alone(archive_html)
        baseline_times.append(time.perf_counter() - started)
    pipeline_seconds, baseline_seconds = min(pipeline_times), min(baseline_times)
    actions = len(pack.snapshot["actions"])
    print(
        f"{label}: {actions} actions, saved HTML {len(html) // 1024} and "
        f"{len(archive_html) // 1024} KB, WeasyPrint alone laid out {pages} and {archive_pages} "
        "pages",
        file=sys.stderr,
        flush=True,
    )
    size = f"{label}, {actions:,} actions"
    ratio = pipeline_seconds / baseline_seconds
    goal, met = ratio_goal(ratio, RATIO_GOAL)
    return [
        Figure(
            "pack",
            "issued end to end (both copies)",
            size,
            pipeline_seconds,
            "s",
            "WeasyPrint alone, same HTML",
            baseline_seconds,
            goal,
            met,
        ),
        Figure("pack", "reading copy", size, pack.pages, "pages"),
        Figure("pack", "archive copy", size, pack.archive_pages, "pages"),
    ]


def _warm_up() -> None:
    HTML(string='<html lang="en-GB"><title>Warm up</title><p>Warm up</p>').write_pdf(**PDF_OPTIONS)


def _demo() -> tuple[Plan, Board] | None:
    """The demo plan through `manage.py load_demo`, when that command is on this branch."""
    if "load_demo" not in get_commands():
        return None
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    plan = (
        Plan.objects.exclude(slug="bench")
        .annotate(size=Count("actions"))
        .filter(boards__isnull=False)
        .order_by("-size")
        .first()
    )
    return (plan, plan.boards.first()) if plan else None


def measure(scale: int) -> list[Figure]:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        # Built in this process (the immediate backend): this bench times the build itself;
        # bench_issue times it through the worker.
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media, TASKS=IN_THIS_PROCESS, EMAIL_BACKEND=KEPT_MAIL),
        ):
            _warm_up()
            if scale == 1:
                demo = _demo()
                if demo is None:
                    print("Demo pack: skipped, no `manage.py load_demo`.", file=sys.stderr)
                    return []
                return _compare("demo plan", *demo)
            started = time.perf_counter()
            plan, board = _synthetic_plan(actions_at(scale))
            print(
                f"(synthetic data built in {time.perf_counter() - started:.1f} s)",
                file=sys.stderr,
            )
            return _compare("synthetic plan", plan, board, runs=1)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
