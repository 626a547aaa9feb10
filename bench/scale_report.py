"""`make scale`'s figures as docs/scale.md prints them: the peak model, the cores it needs, what
a query plan says, and the tables (bench/scale.py measures them)."""

import statistics
from dataclasses import dataclass

COUNCILS = 153
# The requests of one officer's update: the POST is counted at the update page's cost.
OFFICER_CYCLE = (
    "My actions",
    "plan page",
    "action page",
    "update page",
    "update page",
    "action page",
)
# Tables whose sequential scan at full size would make a page grow with the number of councils.
LARGE_TABLE_ROWS = 20_000


# The peak: board weeks aligned, so every council's cut-off day is the same day.
@dataclass(frozen=True)
class PeakModel:
    councils: int = COUNCILS
    actions: int = 200  # each updated once a board cycle
    readers: int = 8  # chair, members and secretary read the dashboard and the pack
    on_peak_day: float = 0.5  # share of a cycle's updates made on the cut-off day
    in_peak_hour: float = 0.25  # share of that day's updates in its busiest hour
    requests_per_update: int = 6  # My actions, plan, action, update form, POST, action again
    reader_requests: int = 3  # dashboard, pack page, PDF
    burst: float = 2.0  # the busiest minute against the busiest hour's mean

    @property
    def updates_in_peak_hour(self) -> float:
        return self.councils * self.actions * self.on_peak_day * self.in_peak_hour

    @property
    def requests_in_peak_hour(self) -> float:
        readers = self.councils * self.readers * self.in_peak_hour * self.reader_requests
        return self.updates_in_peak_hour * self.requests_per_update + readers

    @property
    def peak_requests_per_second(self) -> float:
        return self.requests_in_peak_hour / 3600 * self.burst


def cores_needed(*, requests_per_second: float, ms_per_request: float, busy: float = 0.6) -> float:
    """Cores to serve the rate with each core at most `busy` of the time (the headroom)."""
    return requests_per_second * ms_per_request / 1000 / busy


def pack_week_hours(*, packs: int, seconds_each: float, workers: int) -> float:
    return packs * seconds_each / workers / 3600


def markdown_table(header: list[str], rows: list[list], text: tuple[int, ...] = (0,)) -> list[str]:
    """Columns other than the `text` ones are figures, set right."""
    right = ["---" if i in text else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(right) + "|"]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def _one_line(sql: str) -> str:
    return " ".join(sql.split())


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f}"


def sequential_scans_of_large_tables(plan_text: str, counts: dict[str, int]) -> list[str]:
    """The tables of `LARGE_TABLE_ROWS` rows or more that the plan reads from end to end."""
    found = []
    for line in plan_text.splitlines():
        if "Seq Scan on " in line:
            table = line.split("Seq Scan on ", 1)[1].split()[0]
            if counts.get(table, 0) >= LARGE_TABLE_ROWS and table not in found:
                found.append(table)
    return found


def jit_ms(plan_text: str) -> float:
    """What PostgreSQL spent compiling the query (JIT), from EXPLAIN ANALYZE's timing line."""
    for line in plan_text.splitlines():
        if line.strip().startswith("Timing:") and "Total" in line:
            return float(line.rsplit("Total", 1)[1].split()[0])
    return 0.0


def report(run: dict) -> list[str]:
    return [
        f"Measured {run['date']} on {run['machine']}, PostgreSQL {run['postgres']}, DEBUG off, "
        f"{run['councils']} councils built in {run['build_s']:.0f} s. The machine was shared with "
        "other work while measuring: the figures are noisy, an upper bound; `make scale` "
        "measures again.",
        "",
        *_volume(run),
        *_pages(run),
        *_packs(run),
        *_peak(run),
        *_queries(run),
    ]


# Each board cycle: the growth per year is twelve cycles of updates, history rows and packs.
GROWING = ("improvement_progressupdate", "improvement_historicalaction")


def _volume(run: dict) -> list[str]:
    total, tables = run["size"]
    pack, councils = run["full"]["pack"], run["councils"]
    growing = sum(size for name, _rows, size, _ix in tables if name in GROWING)
    snapshots = 12 * councils * pack["snapshot_kb"] * 1024
    files = 12 * councils * pack["pdf_kb"] * 1024
    lines = ["**Data volume** (a year of monthly cycles)", ""]
    lines += markdown_table(
        ["table", "rows", "MB with indexes", "of which indexes MB"],
        [[name, f"{rows:,}", _mb(size), _mb(ix)] for name, rows, size, ix in tables[:10]],
    )
    return lines + [
        "",
        f"Whole database: {_mb(total)} MB, {_mb(total / councils)} MB a council. Growth a year: "
        f"{_mb(growing)} MB of progress updates and action history, {_mb(snapshots)} MB of pack "
        f"snapshots (12 × {councils} × {pack['snapshot_kb']:,} KB) in the database; "
        f"{_mb(files)} MB of pack PDFs (12 × {councils} × {pack['pdf_kb']:,} KB, both copies) "
        "in file storage.",
        "",
    ]


def _pages(run: dict) -> list[str]:
    one, full = run["one"]["pages"], run["full"]["pages"]
    rows = [
        [
            name,
            f"{alone.http_ms:,.0f}",
            f"{full[name].http_ms:,.0f}",
            f"{full[name].http_ms / alone.http_ms:.2f}×",
            f"{alone.queries} → {full[name].queries}",
            f"{alone.db_ms:,.1f} → {full[name].db_ms:,.1f}",
            f"{full[name].python_ms:,.0f}",
            full[name].kb,
        ]
        for name, alone in one.items()
    ]
    header = ["page", "1 council ms", f"{run['councils']} councils ms", "growth", "queries"]
    header += ["database ms", "Python ms", "KB"]
    return [
        f"**The middle council's pages** (HTTP: median of {run['requests']} requests to one "
        "Gunicorn worker, one at a time; queries, their database time and the Python time: "
        "median of 5 in process)",
        "",
        *markdown_table(header, rows),
        "",
    ]


def _packs(run: dict) -> list[str]:
    alone, pack, councils = run["one"]["pack"], run["full"]["pack"], run["councils"]
    week = [
        pack_week_hours(packs=councils, seconds_each=pack["build_s"], workers=n) for n in (1, 2)
    ]
    return [
        f"**Packs** through the task worker: built in {alone['build_s']:.1f} s with one council, "
        f"{pack['build_s']:.1f} s among {councils} ({pack['wait_s']:.1f} s from the request to "
        f"issued; {pack['pages']} pages). {councils} packs in one board week: {week[0]:.1f} hours "
        f"of one worker, {week[1]:.1f} hours of two.",
        "",
    ]


def _peak(run: dict) -> list[str]:
    model = PeakModel(councils=run["councils"])
    peak = model.peak_requests_per_second
    return [
        f"**Peak** (board weeks aligned): {model.councils} councils × {model.actions} actions × "
        f"{model.on_peak_day:.0%} on the cut-off day × {model.in_peak_hour:.0%} in its busiest "
        f"hour = {model.updates_in_peak_hour:,.0f} updates × {model.requests_per_update} "
        f"requests, + {model.councils} × {model.readers} readers × {model.in_peak_hour:.0%} × "
        f"{model.reader_requests} requests = {model.requests_in_peak_hour:,.0f} requests in the "
        f"hour, {model.requests_in_peak_hour / 3600:.1f} a second; × {model.burst:g} for the "
        f"busiest minute = **{peak:.1f} requests a second**.",
        "",
        "An officer's update cycle (My actions, plan page, action page, update page, the POST "
        "counted as the update page, the action page again), per request, and the cores it needs "
        "at that peak with every core at most 60% busy:",
        "",
        *markdown_table(
            [
                "pages as measured",
                "HTTP ms",
                "Python ms",
                "database ms",
                "cores",
                "of which PostgreSQL",
            ],
            [
                _cycle_row(f"among {run['councils']} councils", run["full"]["pages"], peak),
                _cycle_row("with one council", run["one"]["pages"], peak),
            ],
        ),
        "",
        "The database time is measured from the app (round trip and decoding included), so it "
        "overstates PostgreSQL's own work a little.",
        "",
    ]


def _cycle_row(label: str, pages: dict, peak: float) -> list[str]:
    cycle = [pages[name] for name in OFFICER_CYCLE]
    http_ms = statistics.mean(page.http_ms for page in cycle)
    db_ms = statistics.mean(page.db_ms for page in cycle)
    python_ms = statistics.mean(page.python_ms for page in cycle)
    return [
        label,
        f"{http_ms:,.0f}",
        f"{python_ms:,.0f}",
        f"{db_ms:,.1f}",
        f"{cores_needed(requests_per_second=peak, ms_per_request=http_ms):.1f}",
        f"{cores_needed(requests_per_second=peak, ms_per_request=db_ms):.1f}",
    ]


def _queries(run: dict) -> list[str]:
    full = run["full"]
    counted = {name: rows for name, rows, _size, _ix in run["size"][1]}

    def scans(plan: str) -> str:
        tables = sequential_scans_of_large_tables(plan, counted)
        return ", ".join(f"{table} ({counted[table]:,} rows)" for table in tables) or "none"

    lines = [
        "**Each page's slowest query at full size** (its time in the page; EXPLAIN ANALYZE's "
        "JIT compilation time and the tables of "
        f"{LARGE_TABLE_ROWS:,} rows or more it scans end to end)",
        "",
    ]
    lines += markdown_table(
        ["page", "ms", "JIT ms", "whole-table scans", "query"],
        [
            [name, f"{ms:,.1f}", f"{jit_ms(plan):,.0f}", scans(plan), f"`{_one_line(sql)[:90]}…`"]
            for name, explained in full["slowest"].items()
            for ms, sql, plan in explained
        ],
        text=(0, 3, 4),
    )
    lines += ["", "**The plan page's slowest queries at full size** (EXPLAIN ANALYZE, BUFFERS)"]
    for ms, sql, text in full["explained"]:
        lines += [
            "",
            f"<details><summary>{ms:,.1f} ms: <code>{_one_line(sql)[:100]}…</code></summary>",
            "",
            "```",
            _one_line(sql),
            "",
            text,
            "```",
            "</details>",
        ]
    return lines
