"""The arithmetic and the writing of `make scale` (bench/scale.py); its timings are not tested."""

import pytest

from bench.markers import markers, replace_block
from bench.scale_report import (
    PeakModel,
    cores_needed,
    jit_ms,
    markdown_table,
    pack_week_hours,
    sequential_scans_of_large_tables,
)


def test_peak_of_every_council_with_board_weeks_aligned():
    model = PeakModel()

    # 153 councils × 200 actions, half on the cut-off day, a quarter of those in its busiest hour.
    assert model.updates_in_peak_hour == 3_825
    # Six requests an update, and 153 × 8 readers × a quarter × 3 requests.
    assert model.requests_in_peak_hour == 3_825 * 6 + 918
    assert model.peak_requests_per_second == pytest.approx(23_868 / 3600 * 2)


def test_peak_grows_with_the_councils_served():
    assert PeakModel(councils=1).requests_in_peak_hour * 153 == pytest.approx(
        PeakModel(councils=153).requests_in_peak_hour
    )


@pytest.mark.parametrize(
    ("rate", "ms", "busy", "cores"),
    [
        (10, 60, 0.6, 1.0),  # 600 ms of work a second, at most 60% busy: one core
        (10, 60, 1.0, 0.6),
        (0, 100, 0.6, 0.0),
    ],
)
def test_cores_needed_keep_headroom(rate, ms, busy, cores):
    assert cores_needed(requests_per_second=rate, ms_per_request=ms, busy=busy) == pytest.approx(
        cores
    )


def test_pack_week_is_shared_between_workers():
    assert pack_week_hours(packs=153, seconds_each=12, workers=1) == pytest.approx(0.51)
    assert pack_week_hours(packs=153, seconds_each=12, workers=2) == pytest.approx(0.255)


def test_markdown_table_has_a_header_a_rule_and_a_row_each():
    lines = markdown_table(["page", "ms"], [["plan page", 80], ["dashboard", 120]])

    assert lines == [
        "| page | ms |",
        "|---|---:|",
        "| plan page | 80 |",
        "| dashboard | 120 |",
    ]


def test_figures_replace_only_the_block_between_the_markers():
    START, END = markers("scale")
    text = f"# Scale\n\nProse before.\n\n{START}\nold figures\n{END}\n\nProse after.\n"

    written = replace_block(text, ["new figures"], name="scale")

    assert written == f"# Scale\n\nProse before.\n\n{START}\nnew figures\n{END}\n\nProse after.\n"
    assert replace_block(written, ["new figures"], name="scale") == written


def test_figures_are_appended_to_a_document_without_markers():
    start, end = markers("scale")
    written = replace_block("# Scale\n", ["figures"], name="scale")
    assert written == f"# Scale\n\n{start}\nfigures\n{end}\n"


PLAN = """\
Hash Join  (cost=1.00..2.00 rows=1 width=8)
  ->  Seq Scan on improvement_action u0  (cost=0.00..900.00 rows=30600 width=8)
  ->  Seq Scan on improvement_theme  (cost=0.00..1.00 rows=4 width=8)
  ->  Seq Scan on improvement_action v0  (cost=0.00..900.00 rows=30600 width=8)
Planning Time: 0.5 ms
JIT:
  Functions: 148
  Timing: Generation 9.469 ms, Inlining 41.300 ms, Optimization 888.314 ms, Total 1507.129 ms
Execution Time: 2784.829 ms"""


def test_only_sequential_scans_of_large_tables_are_reported_once_each():
    counts = {"improvement_action": 30_600, "improvement_theme": 612}

    assert sequential_scans_of_large_tables(PLAN, counts) == ["improvement_action"]
    assert sequential_scans_of_large_tables(PLAN, {"improvement_action": 200}) == []


def test_jit_compilation_time_is_read_from_the_plan():
    assert jit_ms(PLAN) == pytest.approx(1507.129)
    assert jit_ms("Seq Scan on improvement_theme\nExecution Time: 0.1 ms") == 0.0
