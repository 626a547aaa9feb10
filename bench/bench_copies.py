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
1 GB peak. Runs in a scratch database (create_test_db). `BENCH_COPIES_SIZES=500` picks the
synthetic sizes (empty: the demo alone).
"""

import gc
import io
import multiprocessing
import os
import re
import resource
import time

from django.db import connection, transaction
from django.utils import timezone
from pypdf import PdfReader
from weasyprint import HTML

from bench.bench_pack import _demo, _synthetic_plan, _warm_up
from boards.pack import glyphs, tagging
from boards.pack.render import PACK_ORIGIN, PDF_OPTIONS, StaticOnlyFetcher, render_html, render_pdf
from boards.pack.snapshot import pack_snapshot

SIZES = (500, 2000)
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


def _goal(size: int, name: str, copy: dict) -> str:
    if name == "reading" and size == READING_PAGES_GOAL[0]:
        met = copy["pages"] < READING_PAGES_GOAL[1]
        return f"  goal < {READING_PAGES_GOAL[1]} pages: {'met' if met else 'MISSED'}"
    if name == "archive" and size == ARCHIVE_MEMORY_GOAL[0]:
        over = copy["peak_mb"] - ARCHIVE_MEMORY_GOAL[1]
        verdict = "met" if over < 0 else f"MISSED by {over:.0f} MB"
        return f"  goal < 1 GB peak: {verdict}"
    return ""


def _report(label: str, snapshot: dict) -> None:
    size = len(snapshot["actions"])
    print(f"{label}: {size} actions", flush=True)
    for name, appendix in COPIES:
        copy = _in_child(_copy(snapshot, appendix))
        ratio = _in_child(_ratio(render_html(snapshot, appendix=appendix)))
        print(
            f"  {name:8} {copy['pages']:4} pages {copy['seconds']:7.2f} s "
            f"peak {copy['peak_mb']:6.0f} MB (start {copy['start_mb']:4.0f} MB)  "
            f"render_pdf {ratio['pipeline']:6.2f} s / WeasyPrint alone {ratio['alone']:6.2f} s "
            f"= {ratio['pipeline'] / ratio['alone']:4.2f}x (target <= {RATIO_GOAL}x); "
            f"own work (glyphs, tagging) {ratio['own']:5.2f} s = "
            f"{1 + ratio['own'] / ratio['alone']:4.2f}x"
            f"{_goal(size, name, copy)}\n"
            f"           parts begin: {copy['starts']}",
            flush=True,
        )


def _sizes() -> tuple[int, ...]:
    chosen = os.environ.get("BENCH_COPIES_SIZES")
    if chosen is None:
        return SIZES
    return tuple(int(n) for n in chosen.split(",") if n.strip())


def main() -> None:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    as_at = timezone.localdate()
    try:
        _warm_up()
        demo = _demo()
        if demo is None:
            print("Demo pack: skipped, `manage.py load_demo` is not on this branch.")
        else:
            plan, board = demo
            _report("Demo pack", pack_snapshot(plan=plan, as_at=as_at, board=board))
        for size in _sizes():
            # Each synthetic plan is rolled back before the next: they share a slug.
            with transaction.atomic():
                plan, board = _synthetic_plan(size)
                snapshot = pack_snapshot(plan=plan, as_at=as_at, board=board)
                transaction.set_rollback(True)
            _report("Synthetic pack", snapshot)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
