"""The pack's tables as a board member reads them: measures on one table with the change since
the value before, a compact risk register with its controls in an appendix, the board's own
action log with status, age and notes, and movement that names every action and risk in full.

Each test renders a stored snapshot (the version-1 fixture, brought to today's shape) with the
rows it needs, so what is asserted is what the board would read.
"""

import copy
import datetime
import json
import pathlib
import re

from boards.pack import sections
from boards.pack.render import render_html, render_pdf
from boards.pack.schema import upgrade
from boards.pack.sparkline import svg as sparkline_svg
from tests.boards.conftest import pdf_pages

STORED_V1 = pathlib.Path(__file__).parent / "fixtures" / "pack_snapshot_v1.json"
LONG_TEXT = (
    "Every child in care has a named social worker who visits within statutory timescales, "
    "records the visit the same day, sees the child alone where the child wishes it, and "
    "escalates any concern to a manager within one working day of the visit."
)


def _snapshot(**changes) -> dict:
    snapshot = copy.deepcopy(upgrade(json.loads(STORED_V1.read_text())))
    snapshot.update(changes)
    return snapshot


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def _measure(name, values, *, target=90.0, direction="higher", unit="%"):
    return {
        "name": name,
        "unit": unit,
        "direction": direction,
        "target": target,
        "values": [
            {"period_ending": f"2026-{n + 1:02d}-28", "label": f"M{n + 1:02d}", "value": value}
            for n, value in enumerate(values)
        ],
    }


def _risk(reference, *, score=(3, 4), after=(None, None), target=None, **more):
    likelihood, impact = score
    residual_likelihood, residual_impact = after
    return {
        "reference": reference,
        "description": f"Risk {reference} happens",
        "owner": "Head of Service",
        "status": "open",
        "likelihood": likelihood,
        "impact": impact,
        "score": likelihood * impact,
        "residual_likelihood": residual_likelihood,
        "residual_impact": residual_impact,
        "residual_score": (
            residual_likelihood * residual_impact
            if residual_likelihood and residual_impact
            else None
        ),
        "target_score": target,
        "existing_controls": "",
        "additional_controls": "",
        "reviewed_on": None,
        "review_text": "",
        **more,
    }


def _board_action(number, *, raised="2026-09-03", status="open", **more):
    return {
        "meeting_held_on": raised,
        "number": number,
        "text": f"Board action {number}",
        "owner": "Head of Safeguarding",
        "due_on": None,
        "due_text": "next meeting",
        "status": status,
        "closed_on": None,
        "note": "",
        "carried_forward": False,
        **more,
    }


# Measures


def test_the_measures_table_shows_target_latest_previous_change_direction_and_rag():
    snapshot = _snapshot(
        measures=[
            _measure("Visits in time", [60, 64, 70]),
            _measure("Agency staff", [24, 21], target=18, direction="lower"),
        ]
    )

    text = _text(_section(render_html(snapshot), "measures"))

    assert "Visits in time (%) 90 70 M03 64 M02 +6 (better) Higher Red" in text
    assert "Agency staff (%) 18 21 M02 24 M01 −3 (better) Lower Red" in text


def test_a_fall_in_a_measure_where_higher_is_better_reads_as_worse():
    row = sections.build(_snapshot(measures=[_measure("Visits in time", [88, 85])]))["measures"][0]

    assert (row["latest"]["value"], row["previous"]["value"]) == (85, 88)
    assert row["change"]["label"] == "−3 (worse)"
    assert row["rag_label"] == "Amber"


def test_measures_without_values_are_named_in_one_line_not_a_page_each():
    snapshot = _snapshot(
        measures=[
            _measure("Visits in time", [60, 64]),
            _measure("Caseloads per worker", []),
            _measure("Agency staff", []),
            _measure("Sickness", []),
        ]
    )

    html = _section(render_html(snapshot), "measures")

    assert "No values yet: Caseloads per worker, Agency staff, Sickness." in _text(html)
    assert "No values recorded" not in html
    assert html.count("<tr>") == 2  # the header and the one measure with values


def test_only_measures_off_track_get_a_chart():
    built = sections.build(
        _snapshot(
            measures=[
                _measure("Red one", [50, 60]),
                _measure("Amber one", [80, 85]),
                _measure("Green one", [90, 95]),
            ]
        )
    )

    charted = [m["name"] for m in built["measure_table"]["off_track"] if m["chart"]]
    assert charted == ["Red one"]
    assert [m["name"] for m in built["measures"] if m["chart"]] == ["Red one"]


def test_each_trend_line_is_an_image_whose_text_alternative_lists_its_values():
    html = _section(
        render_html(_snapshot(measures=[_measure("Visits", [60, None, 64.5])])), "measures"
    )

    alt = re.search(
        r'<img class="sparkline" src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)"', html
    )
    assert alt, html
    assert (
        alt.group(1)
        == "Trend of Visits (%) over the last 3 periods: M01 60; M02 no value; M03 64.5."
    )


def test_a_trend_line_breaks_where_a_value_is_missing():
    drawn = sparkline_svg([60, 62, None, 64, 66], target=70)

    assert drawn.count("<polyline") == 2
    assert "stroke-dasharray" in drawn  # the target


# Risks


def test_the_register_shows_each_risks_target_and_whether_it_is_above_it():
    snapshot = _snapshot(
        risks=[
            _risk("R1", score=(4, 5), after=(3, 5), target=9),
            _risk("R2", score=(2, 3), after=(2, 2), target=6),
            _risk("R3", score=(2, 2)),
        ]
    )

    text = _text(_section(render_html(snapshot), "risks"))

    assert "R1 Risk R1 happens Head of Service 20 (L4 × I5) 15 (L3 × I5) 9 (above target)" in text
    assert "R2 Risk R2 happens Head of Service 6 (L2 × I3) 4 (L2 × I2) 6 (met)" in text
    assert (
        "R3 Risk R3 happens Head of Service 4 (L2 × I2) Not assessed after controls None set"
        in text
    )


def test_a_risk_not_assessed_after_controls_is_said_so_and_gets_no_empty_map():
    snapshot = _snapshot(risks=[_risk("R1"), _risk("R2", score=(5, 5))])

    html = _section(render_html(snapshot), "risks")

    assert html.count("Not assessed after controls") == 2
    assert html.count('class="heat-map"') == 1  # before controls only
    assert "No open risk has been assessed after controls" in _text(html)


def test_a_plan_with_no_risks_prints_one_line_and_no_grids():
    html = render_html(_snapshot(risks=[]))

    risks = _section(html, "risks")
    assert "The plan records no open risks." in _text(risks)
    assert "heat-map" not in html
    assert "<table" not in risks


def test_the_next_review_follows_the_last_by_the_review_interval():
    snapshot = _snapshot(
        as_at="2026-12-02",
        risks=[
            _risk("R1", reviewed_on="2026-11-30"),
            _risk("R2", reviewed_on="2026-08-31"),
            _risk("R3", review_text="December 2016"),
        ],
    )

    rows = {r["reference"]: r for r in sections.build(snapshot)["risks"]["rows"]}

    assert rows["R1"]["next_review"] == datetime.date(2027, 2, 28)
    assert (rows["R2"]["next_review"], rows["R2"]["review_overdue"]) == (
        datetime.date(2026, 11, 30),
        True,
    )
    text = _text(_section(render_html(snapshot), "risks"))
    assert "30/11/2026 28/02/2027" in text
    assert "31/08/2026 30/11/2026 (overdue)" in text
    assert "December 2016 Not scheduled" in text


def test_controls_are_in_an_appendix_at_the_end_not_in_the_register():
    snapshot = _snapshot(
        risks=[
            _risk(
                "R1",
                existing_controls="Retention payments",
                additional_controls="Market supplement",
            )
        ]
    )

    html = render_html(snapshot, appendix=True)

    assert "Retention payments" not in _section(html, "risks")
    controls = _text(_section(html, "risk-controls"))
    assert "R1 Risk R1 happens Retention payments Market supplement" in controls
    assert html.index('id="risk-controls"') > html.index('id="appendix"')


def test_the_register_says_how_each_risk_moved_since_the_last_pack():
    snapshot = _snapshot(risks=[_risk("R1", score=(3, 4)), _risk("R2", score=(2, 2))])
    snapshot["movement"]["previous_as_at"] = "2026-11-02"
    snapshot["movement"]["risks_rose"] = [
        {"reference": "R1", "description": "Risk R1 happens", "from": 6, "to": 12}
    ]

    text = _text(_section(render_html(snapshot), "risks"))

    assert "Rose from 6 to 12" in text
    assert (
        "R2 Risk R2 happens Head of Service 4 (L2 × I2) Not assessed after controls "
        "None set No change" in text
    )


# The board's action log


def test_the_action_log_shows_status_owner_age_and_latest_note():
    snapshot = _snapshot(
        as_at="2026-12-02",
        meeting_actions=[
            _board_action(1, raised="2026-11-02", due_on="2026-11-30"),
            _board_action(2, raised="2026-11-02", due_on="2026-12-31", owner=""),
            _board_action(
                3,
                raised="2026-10-05",
                status="closed",
                closed_on="2026-11-02",
                note="Reported at the November meeting.",
            ),
        ],
    )

    text = _text(_section(render_html(snapshot), "board-actions"))

    assert (
        "02/11/2026 1 Board action 1 Head of Safeguarding 30/11/2026 Open, overdue 30 days" in text
    )
    assert "02/11/2026 2 Board action 2 Not recorded 31/12/2026 Open 30 days" in text
    assert (
        "05/10/2026 3 Board action 3 Head of Safeguarding next meeting Closed 02/11/2026 28 days "
        "Reported at the November meeting." in text
    )


def test_items_carried_forward_from_an_earlier_meeting_are_marked():
    snapshot = _snapshot(
        meeting_actions=[
            _board_action(1, raised="2026-09-03", carried_forward=True),
            _board_action(1, raised="2026-11-02"),
        ]
    )

    text = _text(_section(render_html(snapshot), "board-actions"))

    assert "Board action 1 Carried forward" in text
    assert text.count("Carried forward") == 2  # the mark, and the summary line
    assert "2 open, 1 carried forward from earlier meetings." in text


# Movement


def test_movement_names_risks_whose_score_rose_and_never_cuts_text_short():
    snapshot = _snapshot()
    snapshot["movement"]["improved"] = [
        {"reference": "P1", "text": LONG_TEXT, "lead": "Head of HR", "from": "red", "to": "amber"}
    ]
    snapshot["movement"]["risks_rose"] = [
        {"reference": "R1", "description": "Social workers leave", "from": 9, "to": 16}
    ]

    text = _text(render_html(snapshot))

    assert f"P1: {LONG_TEXT} (Red to Amber)" in text
    assert "Risks whose score rose (1)" in text
    assert "Risk R1: Social workers leave (score 9 to 16)" in text


def test_the_movement_heading_moves_with_its_first_lines_and_each_list_heading_with_its_list():
    html = render_html(_snapshot())
    css = (pathlib.Path(__file__).parents[2] / "static" / "boards" / "pack.css").read_text()

    head = re.search(
        r'<div class="movement-head">\s*<h2 id="movement-title">Movement since the last pack</h2>',
        html,
    )
    assert head
    assert ".movement-head { break-inside: avoid; }" in css
    assert ".movement-list h3 { break-after: avoid;" in css
    assert (
        "truncatechars"
        not in (
            pathlib.Path(__file__).parents[2] / "templates" / "boards" / "pack" / "movement.html"
        ).read_text()
    )


def test_the_tables_of_these_sections_print_at_nine_points_at_least():
    css = (pathlib.Path(__file__).parents[2] / "static" / "boards" / "pack.css").read_text()
    html = render_html(
        _snapshot(
            measures=[_measure("Visits", [60, 64])], risks=[_risk("R1", existing_controls="X")]
        )
    )

    assert "table.pack-table { font-size: 9pt;" in css
    for section_id in ("measures", "risks", "risk-controls", "board-actions"):
        tables = re.findall(r"<table[^>]*>", _section(html, section_id))
        assert tables, section_id
        assert all("pack-table" in t or "heat-map" in t for t in tables), section_id


def test_no_movement_heading_is_left_alone_at_the_foot_of_a_page():
    snapshot = _snapshot()
    kinds = ("improved", "declined", "completed", "newly_overdue", "due_revised", "new_actions")
    for size, kind in enumerate(kinds, start=3):
        snapshot["movement"][kind] = [
            {
                "reference": f"{kind[:3].upper()}{n}",
                "text": LONG_TEXT,
                "lead": "Head of HR",
                "days": 10,
                **(
                    {"from": "2026-10-01", "to": "2026-12-01"}
                    if kind == "due_revised"
                    else {"from": "red", "to": "amber"}
                ),
            }
            for n in range(1, 4 * size)
        ]
    snapshot["movement"]["previous_as_at"] = "2026-11-02"

    pages = [re.sub(r"\s+", " ", page) for page in pdf_pages(render_pdf(render_html(snapshot)).pdf)]

    for heading in ("Movement since the last pack", *(t for _, t, _ in sections.MOVEMENT_LISTS)):
        for page in (p for p in pages if f"{heading} (" in p or heading + " Compared" in p):
            after = page[page.index(heading) :]
            assert re.search(r"[A-Z]{3}1: |Actions improved", after), (heading, after[:200])
