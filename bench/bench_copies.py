"""The board pack's two copies: the reading copy and the archive copy (with the full action plan).

For the demo plan and synthetic plans of 500 and 2,000 actions, one snapshot each, and from it
each copy rendered (HTML → tagged PDF) in a fresh child process forked from the same parent, so
one copy's memory never counts against another's: pages, seconds and the child's peak resident
memory (ru_maxrss, which starts from what the child inherits; "start" says how much that was).
The ratio compares `render_pdf` with WeasyPrint alone on the same HTML with the same options and
fetcher, both timed in one more child of their own (target ≤ 1.1×); beside it, the pipeline's own
work inside `render_pdf` (the glyph pass and the tagging finisher) timed directly, and the ratio
that gives (1 + own ÷ WeasyPrint alone), which load from other processes barely moves.

Goals: the reading copy of 500 actions under 25 pages; the archive copy of 2,000 actions under
1 GB peak. Runs in a scratch database (create_test_db).

Not in `make bench`'s default table (IN_TABLE): ten layouts per plan size, and at 10× the demo
each takes minutes and hundreds of MB, more than the table's time allows; bench_pack gives the
table both copies' cost against WeasyPrint alone. `python -m bench bench_copies` runs it at the
table's scales (the demo plan; a synthetic plan ten times its actions).
`BENCH_COPIES_SIZES=500,2000 python -m bench bench_copies` runs the demo plan and the goals'
synthetic sizes instead (empty: the demo alone).
"""

import gc
import io
import multiprocessing
import os
import re
import resource
import sys
import time

from django.db import connection, transaction
from django.utils import timezone
from pypdf import PdfReader
from weasyprint import HTML

from bench.bench_pack import _demo, _synthetic_plan, _warm_up
from bench.figures import Figure, actions_at, ratio_goal
from boards.pack import glyphs, tagging
from boards.pack.render import PACK_ORIGIN, PDF_OPTIONS, StaticOnlyFetcher, render_html, render_pdf
from boards.pack.snapshot import pack_snapshot

IN_TABLE = False
NO_FLOOR = ("—", None)
NO_GOAL = ("—", None)
READING_PAGES_GOAL = (500, 25)
ARCHIVE_MEMORY_GOAL = (2000, 1024)  # MB
RATIO_GOAL = 1.1
COPIES = (("reading", False), ("archive", True))
CONTENTS_ENTRY = re.compile(r"([A-Z][A-Za-z:' ]+?) (\d+)(?= |$)")
LAST_ENTRY = re.compile(r"Appendix: risk controls \d+")


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _in_child(work) -> dict:
    """work() in a process forked from this one; its result with the child's start and peak
    memory. The child leaves through os._exit, so it never touches the parent's database."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def run():
        start = _resident_mb()
        result = work()
        send.send({**result, "start_mb": start, "peak_mb": _peak_mb()})

    child = context.Process(target=run)
    child.start()
    result = receive.recv()
    child.join()
    return result


def _weasyprint_alone(html: str) -> bytes:
    document = HTML(string=html, base_url=f"{PACK_ORIGIN}/", url_fetcher=StaticOnlyFetcher())
    return document.render(**PDF_OPTIONS).write_pdf(**PDF_OPTIONS)


def _copy(snapshot: dict, appendix: bool):
    def work():
        started = time.perf_counter()
        rendered = render_pdf(render_html(snapshot, appendix=appendix))
        seconds = time.perf_counter() - started
        return {"pages": rendered.pages, "seconds": seconds, "starts": _starts(rendered.pdf)}

    return work


def _starts(pdf: bytes) -> str:
    """Where each part begins, read from the contents page: where the pages go."""
    contents = re.sub(r"\s+", " ", PdfReader(io.BytesIO(pdf)).pages[1].extract_text())
    contents = contents.partition("Contents ")[2]
    last = LAST_ENTRY.search(contents)
    entries = CONTENTS_ENTRY.findall(contents[: last.end()] if last else contents)
    return ", ".join(f"{title} p{page}" for title, page in entries)


def _ratio(html: str):
    """Best of two each, in the order alone, pipeline, pipeline, alone: neither side gains from
    running first or warmer."""

    def timed(render) -> float:
        gc.collect()
        started = time.perf_counter()
        render(html)
        return time.perf_counter() - started

    def work():
        # The pipeline's own work beside WeasyPrint's, timed directly: a figure that other load
        # on the machine barely moves, unlike the ratio of two long renders. The patch lives
        # and dies with this child.
        own = []
        finish = tagging.finish

        def timed_finish(*args, **kwargs):
            started = time.perf_counter()
            try:
                return finish(*args, **kwargs)
            finally:
                own.append(time.perf_counter() - started)

        tagging.finish = timed_finish
        alone = [timed(_weasyprint_alone)]
        pipeline = [timed(render_pdf), timed(render_pdf)]
        alone.append(timed(_weasyprint_alone))
        own_seconds = min(own) + timed(glyphs.printable)
        return {"pipeline": min(pipeline), "alone": min(alone), "own": own_seconds}

    return work


def _goal(size: int, name: str, copy: dict) -> tuple[str, str, bool | None]:
    """The figure a goal is about at this size, the goal and whether it was met."""
    if name == "reading" and size == READING_PAGES_GOAL[0]:
        return "pages", f"< {READING_PAGES_GOAL[1]} pages", copy["pages"] < READING_PAGES_GOAL[1]
    if name == "archive" and size == ARCHIVE_MEMORY_GOAL[0]:
        return "peak", "< 1 GB", copy["peak_mb"] < ARCHIVE_MEMORY_GOAL[1]
    return "", "—", None


def _report(label: str, snapshot: dict) -> list[Figure]:
    size = len(snapshot["actions"])
    described = f"{label}, {size:,} actions"
    figures = []
    for name, appendix in COPIES:
        copy = _in_child(_copy(snapshot, appendix))
        ratio = _in_child(_ratio(render_html(snapshot, appendix=appendix)))
        print(
            f"{described}, {name} copy: start {copy['start_mb']:.0f} MB; own work (glyphs, "
            f"tagging) {ratio['own']:.2f} s; parts begin: {copy['starts']}",
            file=sys.stderr,
            flush=True,
        )
        about, goal, met = _goal(size, name, copy)
        goals = {about: (goal, met)}
        alone = "WeasyPrint alone, same HTML"
        own = 1 + ratio["own"] / ratio["alone"]
        render_goal = ratio_goal(ratio["pipeline"] / ratio["alone"], RATIO_GOAL)
        figures += [
            Figure(
                "copies",
                f"{name} copy",
                described,
                copy["pages"],
                "pages",
                *NO_FLOOR,
                *goals.get("pages", NO_GOAL),
            ),
            Figure(
                "copies",
                f"{name} copy: render_pdf",
                described,
                ratio["pipeline"],
                "s",
                alone,
                ratio["alone"],
                *render_goal,
            ),
            # The own work (glyphs, tagging) timed directly: load on the machine barely moves it.
            Figure(
                "copies",
                f"{name} copy: WeasyPrint alone + own work",
                described,
                ratio["alone"] * own,
                "s",
                alone,
                ratio["alone"],
            ),
            Figure(
                "copies",
                f"{name} copy: peak memory",
                described,
                copy["peak_mb"],
                "MB",
                *NO_FLOOR,
                *goals.get("peak", NO_GOAL),
            ),
        ]
    return figures


def _sizes(scale: int) -> tuple[int, ...]:
    """The synthetic sizes at this scale (the demo plan is measured at scale 1)."""
    chosen = os.environ.get("BENCH_COPIES_SIZES")
    if chosen is not None:
        return tuple(int(n) for n in chosen.split(",") if n.strip()) if scale == 1 else ()
    return () if scale == 1 else (actions_at(scale),)


def measure(scale: int) -> list[Figure]:
    if scale != 1 and not _sizes(scale):
        return []
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    as_at = timezone.localdate()
    figures = []
    try:
        _warm_up()
        if scale == 1:
            demo = _demo()
            if demo is None:
                print("Demo pack: skipped, no `manage.py load_demo`.", file=sys.stderr)
            else:
                plan, board = demo
                snapshot = pack_snapshot(plan=plan, as_at=as_at, board=board)
                figures += _report("demo plan", snapshot)
        for size in _sizes(scale):
            # Each synthetic plan is rolled back before the next: they share a slug.
            with transaction.atomic():
                plan, board = _synthetic_plan(size)
                snapshot = pack_snapshot(plan=plan, as_at=as_at, board=board)
                transaction.set_rollback(True)
            figures += _report("synthetic plan", snapshot)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return figures
