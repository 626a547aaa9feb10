"""`make bench`'s table: figures, floors and ratios formatted, rows gathered, the README block
written beside the load test's. Nothing here is timed."""

import bench.__main__ as runner
from bench.figures import Figure, by_figure, decode, demo_actions, encode, ratio_goal, row, table

FLOOR = "admin changelist (50 per page)"


def test_a_figure_with_a_floor_shows_its_ratio_and_whether_it_met_its_goal():
    goal, met = ratio_goal(42.0 / 60.0, 0.5)
    figure = Figure("pages (HTTP)", "plan page", "133 actions", 42.0, "ms", FLOOR, 60.0, goal, met)

    assert row(figure) == [
        "pages (HTTP)",
        "plan page",
        "133 actions",
        "42.0 ms",
        FLOOR,
        "60.0 ms",
        "0.70×",
        "≤ 0.5× (missed)",
    ]


def test_a_figure_without_a_floor_says_so():
    figure = Figure("load_demo", "first run: queries", "demo plan", 1192, "queries")

    assert figure.ratio is None
    assert row(figure)[3:] == ["1,192 queries", "—", "—", "—", "—"]


def test_values_are_shown_to_a_sensible_precision():
    cells = [
        row(Figure("b", "f", "s", value, unit))[3]
        for value, unit in [(0.0321, "s"), (32.254, "s"), (48.84, "ms"), (1234.5, "ms")]
    ]

    assert cells == ["0.032 s", "32.25 s", "48.8 ms", "1,234 ms"]


def test_the_table_is_markdown_with_one_line_per_figure_and_pipes_escaped():
    lines = table([Figure("b", "a | b", "s", 1.0, "s", "floor", 2.0)])

    assert lines[0].startswith("| benchmark | figure | size | value | floor |")
    assert lines[2] == "| b | a \\| b | s | 1.00 s | floor | 2.00 s | 0.50× | — |"
    assert len(lines) == 3


def test_each_figures_sizes_are_side_by_side():
    demo = [Figure("p", "plan", "133", 1, "ms"), Figure("p", "admin", "133", 2, "ms")]
    ten = [Figure("p", "plan", "1,330", 3, "ms"), Figure("p", "admin", "1,330", 4, "ms")]

    rows = by_figure(demo + ten)

    assert [(f.figure, f.size) for f in rows] == [
        ("plan", "133"),
        ("plan", "1,330"),
        ("admin", "133"),
        ("admin", "1,330"),
    ]


def test_figures_cross_from_the_child_among_its_other_output():
    figures = [Figure("import", "empty plan", "133 rows", 0.3, "s", "openpyxl", 0.03)]

    output = f"something else\n{encode(figures)}\nand more\n"

    assert decode(output) == figures
    assert decode("no figures\n") == []


def test_the_demo_size_is_the_demo_action_plans_rows():
    assert demo_actions() == 133


def test_scales_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("BENCH_SCALES", raising=False)
    assert runner.scales() == (1, 10)
    monkeypatch.setenv("BENCH_SCALES", "1")
    assert runner.scales() == (1,)


def test_the_copies_benchmark_stays_out_of_the_default_table():
    assert "bench_copies" in runner.modules()
    assert not runner.in_table("bench_copies")
    assert runner.in_table("bench_pages")


def test_the_readme_block_is_replaced_and_the_load_tests_kept(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    loadtest = "<!-- loadtest: start -->\nload test figures\n<!-- loadtest: end -->"
    readme.write_text(f"# Benchmarks\n\n{loadtest}\n")
    monkeypatch.setattr(runner, "README", readme)

    runner.write_readme(["first"])
    runner.write_readme(["second"])

    text = readme.read_text()
    assert loadtest in text
    assert "<!-- bench: start -->\nsecond\n<!-- bench: end -->" in text
    assert "first" not in text
