"""A council leaving the service asks for everything it holds: its installation admin runs
`export_council` and hands over one zip, with every plan, history row, progress update,
evidence file, meeting and pack of that council, and nothing of any other council sharing the
installation."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from operations import council_export
from tests import factories as f
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_councils():
    world = build_world()
    foreign = world.foreign_plan
    action = foreign.actions.get()
    f.EvidenceFactory(
        action=action,
        link="",
        file=ContentFile(b"Otherton's own audit.\n", name="otherton.txt"),
        uploaded_by=world.users["foreign_officer"],
    )
    board = f.BoardFactory(authority=foreign.authority, name="Otherton Improvement Board")
    board.plans.add(foreign)
    f.MeetingActionFactory(meeting=f.MeetingFactory(board=board), owner=action.lead)
    f.RiskFactory(plan=foreign, owner=action.lead)
    return world


def _export(tmp_path, authority) -> zipfile.ZipFile:
    path = tmp_path / f"{authority.slug}.zip"
    out = io.StringIO()
    call_command("export_council", authority.slug, str(path), stdout=out)
    assert f"Exported {authority}" in out.getvalue()
    return zipfile.ZipFile(path)


def _rows(archive: zipfile.ZipFile) -> set[tuple[str, object]]:
    found = set()
    for name in archive.namelist():
        if name.startswith("data/"):
            found.update((row["model"], row["pk"]) for row in json.loads(archive.read(name)))
    return found


def _every_row() -> set[tuple[str, object]]:
    every = set()
    for label in council_export.SCOPES:
        model = apps.get_model(label)
        every.update(
            (model._meta.label_lower, pk)
            for pk in model._default_manager.values_list("pk", flat=True)
        )
    return every


def test_each_council_gets_all_of_its_rows_and_none_of_the_others(two_councils, tmp_path):
    anytown = _export(tmp_path, two_councils.plan.authority)
    otherton = _export(tmp_path, two_councils.foreign_plan.authority)

    mine, theirs = _rows(anytown), _rows(otherton)

    assert mine.isdisjoint(theirs)
    assert mine | theirs == _every_row()
    kinds = {model for model, _ in mine}
    for kind in (
        "improvement.plan",
        "improvement.historicalaction",
        "improvement.progressupdate",
        "improvement.evidence",
        "boards.meeting",
        "boards.pack",
    ):
        assert kind in kinds


def test_the_files_come_with_their_council_only(two_councils, tmp_path):
    anytown = _export(tmp_path, two_councils.plan.authority)
    otherton = _export(tmp_path, two_councils.foreign_plan.authority)

    evidence = two_councils.evidence.file.name
    assert anytown.read(f"files/{evidence}") == b"Audit of 40 case files.\n"
    assert f"files/{evidence}" not in otherton.namelist()
    assert f"files/{two_councils.pack.pdf.name}" in anytown.namelist()
    otherton_files = [name for name in otherton.namelist() if name.startswith("files/")]
    assert [otherton.read(name) for name in otherton_files] == [b"Otherton's own audit.\n"]
    manifest = json.loads(otherton.read("manifest.json"))
    assert list(manifest["files"]) == [name.removeprefix("files/") for name in otherton_files]


def test_the_people_named_come_without_passwords_and_the_plans_as_workbooks(two_councils, tmp_path):
    otherton = _export(tmp_path, two_councils.foreign_plan.authority)

    people = json.loads(otherton.read("people.json"))
    names = {person["fields"]["username"] for person in people}
    assert "foreign_officer" in names
    assert "officer" not in names
    assert all("password" not in person["fields"] for person in people)
    assert "plans/otherton.xlsx" in otherton.namelist()
    assert "Otherton Council" in otherton.read("README.txt").decode()


def test_an_open_invitation_comes_without_what_opens_it(two_councils, tmp_path):
    anytown = _export(tmp_path, two_councils.plan.authority)

    invitations = json.loads(anytown.read("data/improvement.invitation.json"))

    assert invitations
    assert all("token_hash" not in row["fields"] for row in invitations)
    assert all("email" in row["fields"] for row in invitations)


def test_a_kind_of_row_with_no_export_rule_stops_the_export(two_councils, tmp_path, monkeypatch):
    scopes = dict(council_export.SCOPES)
    del scopes["boards.Decision"]
    monkeypatch.setattr(council_export, "SCOPES", scopes)
    path = tmp_path / "anytown.zip"

    with pytest.raises(CommandError, match="No export rule for boards.Decision"):
        call_command("export_council", two_councils.plan.authority.slug, str(path))
    assert not path.exists()


def test_an_unknown_council_is_named_back():
    with pytest.raises(CommandError, match='No council named "Nowhere"'):
        call_command("export_council", "Nowhere", "/tmp/never.zip")
