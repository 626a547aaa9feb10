"""A pack is re-rendered from its stored snapshot for years: the shape is typed and versioned,
and a snapshot stored by version 1 of the pack still renders."""

import copy
import json
import pathlib
import re
import types
import typing

import pytest

from boards.pack import schema
from boards.pack.render import render_html, render_pdf
from boards.pack.snapshot import pack_snapshot
from boards.services import issue_pack
from improvement.models import Rag, Status
from improvement.services import record_progress
from tests import factories
from tests.boards.conftest import pdf_pages

# Written by the pack code of version 1 from the story's plan (every RAG, an overdue and a
# complete action, recommendations, measures, risks, the board's action log, movement) and never
# regenerated: it is what an issued pack of that release holds.
STORED_V1 = pathlib.Path(__file__).parent / "fixtures" / "pack_snapshot_v1.json"
# Written by the pack code of version 2 from the story's plan (co-leads and evidence counts, the
# board's open actions without status or notes) and never regenerated.
STORED_V2 = pathlib.Path(__file__).parent / "fixtures" / "pack_snapshot_v2.json"


def problems(value, expected, path: str = "snapshot") -> list[str]:
    """Where `value` departs from the type `expected`: missing or unknown keys, wrong types."""
    if typing.is_typeddict(expected):
        return _object_problems(value, expected, path)
    origin, args = typing.get_origin(expected), typing.get_args(expected)
    if origin in (types.UnionType, typing.Union):
        options = [problems(value, option, path) for option in args]
        return [] if [] in options else min(options, key=len)
    if origin is list:
        if not isinstance(value, list):
            return [f"{path} is not a list"]
        return [p for n, item in enumerate(value) for p in problems(item, args[0], f"{path}[{n}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path} is not an object"]
        return [p for key, item in value.items() for p in problems(item, args[1], f"{path}.{key}")]
    if expected is type(None):
        return [] if value is None else [f"{path} is {value!r}, not null"]
    if expected in (int, float) and isinstance(value, bool):
        return [f"{path} is a boolean, not a number"]
    return [] if isinstance(value, expected) else [f"{path} is {value!r}, not {expected.__name__}"]


def _object_problems(value, expected, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path} is not an object"]
    hints = typing.get_type_hints(expected)
    found = [f"{path}.{key} is missing" for key in hints.keys() - value.keys()]
    found += [f"{path}.{key} is not in the schema" for key in value.keys() - hints.keys()]
    for key in hints.keys() & value.keys():
        found += problems(value[key], hints[key], f"{path}.{key}")
    return found


def test_the_schema_check_names_what_departs_from_the_schema():
    upgraded = schema.upgrade(_stored_v1())
    upgraded["actions"][0]["evidence_count"] = "two"
    upgraded["risks"][0]["score"] = True
    del upgraded["movement"]["improved"][0]["from"]
    upgraded["extra"] = 1

    assert sorted(problems(upgraded, schema.Snapshot)) == [
        "snapshot.actions[0].evidence_count is 'two', not int",
        "snapshot.extra is not in the schema",
        "snapshot.movement.improved[0].from is missing",
        "snapshot.risks[0].score is a boolean, not a number",
    ]


def _stored_v1() -> dict:
    return json.loads(STORED_V1.read_text())


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_stored_version_1_snapshot_is_as_version_1_wrote_it():
    stored = _stored_v1()

    assert stored["schema"] == 1
    assert "version" not in stored
    assert {a["rag"] for a in stored["actions"]} == set(Rag)


def test_a_pack_stored_with_a_version_1_snapshot_still_renders_to_html_and_pdf():
    stored = _stored_v1()

    html = render_html(stored, version=1, appendix=True)
    rendered = render_pdf(html)

    text = _flat(" ".join(pdf_pages(rendered.pdf)))
    assert rendered.pages > 7
    for title in (
        "Recruit ten permanent social workers",
        "Reduce agency staff to 15%",
        "Audit statutory visits monthly",
        "Introduce a retention offer for experienced social workers",
    ):
        assert title in text, title
    # Red, amber, green, blue and not rated, then the total, as the board saw them.
    assert "All themes 1 1 2 1 1 6" in text
    assert "6 actions; 1 complete (17% complete); 1 overdue." in text
    assert "Social workers leave" in text
    assert "20 (L4 × I5)" in text
    assert "Improved (2)" in text
    assert "Report agency numbers" in text
    assert "&lt;img" in html
    assert '<img src="file:' not in html


def test_a_version_1_snapshot_upgrades_to_the_current_schema_and_stays_as_stored():
    stored = _stored_v1()
    kept = copy.deepcopy(stored)

    upgraded = schema.upgrade(stored)

    assert problems(upgraded, schema.Snapshot) == []
    assert upgraded["version"] == schema.VERSION
    assert {a["evidence_count"] for a in upgraded["actions"]} == {None}
    assert stored == kept


def test_a_version_2_snapshot_upgrades_step_by_step_and_stays_as_stored():
    stored = json.loads(STORED_V2.read_text())
    kept = copy.deepcopy(stored)

    upgraded = schema.upgrade(stored)

    assert stored["version"] == 2
    assert problems(upgraded, schema.Snapshot) == []
    assert upgraded["version"] == schema.VERSION == 5
    assert [
        (row["text"], row["status"], row["closed_on"], row["note"], row["carried_forward"])
        for row in upgraded["meeting_actions"]
    ] == [("Report agency numbers", "open", None, "", False)]
    assert stored == kept


def test_a_version_1_snapshot_takes_every_step():
    upgraded = schema.upgrade(_stored_v1())

    assert upgraded["version"] == 5
    assert upgraded["movement"]["previous_themes"] is None
    assert {a["impact_evidence"] for a in upgraded["actions"]} == {""}
    assert {row["status"] for row in upgraded["meeting_actions"]} == {"open"}
    assert {a["evidence_count"] for a in upgraded["actions"]} == {None}


def test_a_pack_stored_with_a_version_2_snapshot_still_renders():
    html = render_html(json.loads(STORED_V2.read_text()), version=1)

    text = _flat(re.sub(r"<[^>]+>", " ", html))
    assert "Recruit ten permanent social workers" in text
    assert "Report agency numbers" in text
    assert "Completed (1)" in text
    assert "&lt;img" in html


def test_a_snapshot_of_a_version_this_code_does_not_know_is_refused():
    future = {**_stored_v1(), "version": schema.VERSION + 1}

    with pytest.raises(schema.UnknownSnapshotVersion):
        schema.upgrade(future)


def test_a_freshly_gathered_snapshot_matches_the_schema(
    story, officer, django_capture_on_commit_callbacks
):
    p1 = story.actions["P1"]
    p1.co_leads.add(factories.LeadFactory(authority=story.plan.authority, name="Head of HR"))
    factories.EvidenceFactory(action=p1)
    with django_capture_on_commit_callbacks(execute=True):
        issue_pack(
            plan=story.plan,
            board=story.board,
            as_at=story.two_months_ago,
            by=story.improvement_lead,
        )
    record_progress(
        action=p1,
        by=officer,
        expected_version=p1.version,
        progress_rag=Rag.GREEN,
        status=Status.COMPLETE,
        commentary="All ten posts filled.",
    )

    snapshot = pack_snapshot(
        plan=story.plan, as_at=story.today, board=story.board, meeting=story.meeting
    )

    assert problems(snapshot, schema.Snapshot) == []
    assert snapshot["version"] == schema.VERSION
    assert snapshot["movement"]["completed"]
    assert json.loads(json.dumps(snapshot)) == snapshot
