"""`load_demo` into an empty database, then again over itself: wall time and queries.

The first run is what `make run` costs a newcomer; the second is the idempotent rerun, which
should find the demo in place and write nothing. Runs in a scratch database (create_test_db),
with DEBUG on as `make run` has it, so the demo users are created too; packs are built in a
temporary media folder. The demo size alone: there is no demo ten times the size.
"""

import io
import sys
import tempfile
import time

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from bench.figures import Figure
from boards import demo_history
from boards.models import Pack
from improvement.models import Action, ProgressUpdate

pack_seconds: list[float] = []


def _timing_packs(issue):
    """The packs' share of the run: each is a WeasyPrint layout of the whole plan."""

    def timed(*args, **kwargs):
        started = time.perf_counter()
        packs = issue(*args, **kwargs)
        pack_seconds.append(time.perf_counter() - started)
        return packs

    return timed


def _timed_load() -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call_command("load_demo", stdout=io.StringIO())
        seconds = time.perf_counter() - started
    return seconds, len(queries)


def measure(scale: int) -> list[Figure]:
    if scale != 1:
        print("load_demo: the demo size only.", file=sys.stderr)
        return []
    demo_history.issue_monthly_packs = _timing_packs(demo_history.issue_monthly_packs)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media, DEBUG=True),
        ):
            first = _timed_load()
            counts = (Action.objects.count(), ProgressUpdate.objects.count())
            packs = Pack.objects.filter(status=Pack.PackStatus.ISSUED).count()
            second = _timed_load()
            assert counts == (Action.objects.count(), ProgressUpdate.objects.count())
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    size = f"demo plan, {counts[0]:,} actions"
    print(
        f"load_demo ({connection.vendor}): {counts[0]} actions, {counts[1]} progress updates, "
        f"{packs} packs",
        file=sys.stderr,
    )
    return [
        Figure("load_demo", "first run", size, first[0], "s"),
        Figure("load_demo", "first run: issuing its packs", size, pack_seconds[0], "s"),
        Figure("load_demo", "first run: queries", size, first[1], "queries"),
        Figure("load_demo", "second run (writes nothing)", size, second[0], "s"),
        Figure("load_demo", "second run: queries", size, second[1], "queries"),
    ]
