"""An administrator backs up the demo installation (its database and its files), restores it into
an empty database on another storage location, and finds every plan, history row, evidence file
and issued pack as it was. Run as the administrator would: `manage.py` in its own process, against
a database of its own (a scratch PostgreSQL database on the PostgreSQL pass, else SQLite files)."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.operations.scratch import Databases

ROOT = Path(__file__).resolve().parents[2]
DUMP_LEFT_OUT = ["contenttypes", "auth.permission", "sessions", "django_tasks_database"]
# An officer's evidence file: the demo has packs but no uploaded evidence of its own.
ADD_EVIDENCE = """
from django.core.files.base import ContentFile
from improvement.models import Action, Evidence
action = Action.objects.order_by("pk").first()
evidence = Evidence(action=action, original_name="audit.txt", description="Case audit")
evidence.file.save("audit.txt", ContentFile(b"Audit of 40 cases, March."), save=True)
"""


class Installation:
    """One installation: its database and its storage folder, driven through manage.py."""

    def __init__(self, database_url: str, media: Path):
        self.database_url = database_url
        self.media = media
        self.env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result

    def rows(self) -> list[dict]:
        dump = self.manage(
            "dumpdata", "--natural-foreign", *[f"--exclude={label}" for label in DUMP_LEFT_OUT]
        )
        return sorted(json.loads(dump.stdout), key=lambda row: (row["model"], str(row["pk"])))

    def files(self) -> dict[str, str]:
        return {
            str(path.relative_to(self.media)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.media.rglob("*"))
            if path.is_file()
        }


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    made = Databases(tmp_path_factory.mktemp("databases"))
    yield made
    made.drop()


def fresh(databases, tmp: Path, label: str) -> Installation:
    installation = Installation(databases.new(label), tmp / f"{label}-media")
    installation.manage("migrate", "--no-input", "-v0")
    return installation


@pytest.fixture(scope="module")
def backed_up(databases, tmp_path_factory):
    """The demo installation, with an officer's evidence file, and its backup archive."""
    tmp = tmp_path_factory.mktemp("backup")
    demo = fresh(databases, tmp, "demo")
    demo.manage("load_demo")
    demo.manage("shell", "-c", ADD_EVIDENCE)
    archive = tmp / "demo.tar.gz"
    told = demo.manage("backup", str(archive))
    assert "Backed up" in told.stdout
    return demo, archive, tmp


def test_a_restored_backup_holds_every_plan_history_row_evidence_file_and_pack(
    backed_up, databases
):
    demo, archive, tmp = backed_up
    restored = fresh(databases, tmp, "restored")

    told = restored.manage("restore", str(archive))

    assert "Restored" in told.stdout
    rows = demo.rows()
    assert restored.rows() == rows
    models = {row["model"] for row in rows}
    assert "improvement.plan" in models
    assert "improvement.historicalaction" in models
    evidence = [r for r in rows if r["model"] == "improvement.evidence" and r["fields"]["file"]]
    packs = [r for r in rows if r["model"] == "boards.pack" and r["fields"]["issued_at"]]
    assert evidence
    assert packs
    assert restored.files() == demo.files()
    for row in evidence + packs:
        assert (row["fields"].get("file") or row["fields"]["pdf"]) in restored.files()


def test_restore_refuses_a_database_that_already_holds_data(backed_up, databases):
    demo, archive, tmp = backed_up

    refused = demo.manage("restore", str(archive), check=False)

    assert refused.returncode != 0
    assert "Nothing was restored" in refused.stderr
    assert "not empty" in refused.stderr


def _altered(archive: Path, out: Path, change) -> Path:
    """A copy of the archive with one member's bytes changed by change(name, data)."""
    with tarfile.open(archive) as source, tarfile.open(out, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


def test_a_damaged_archive_restores_nothing_at_all(backed_up, databases):
    demo, archive, tmp = backed_up
    pack_name = next(name for name in demo.files() if name.startswith("packs/"))
    damaged = _altered(
        archive,
        tmp / "damaged.tar.gz",
        lambda name, data: data[:-10] + b"x" * 10 if name == f"files/{pack_name}" else data,
    )
    empty = fresh(databases, tmp, "empty")

    refused = empty.manage("restore", str(damaged), check=False)

    assert refused.returncode != 0
    assert f"The file {pack_name} in the archive is damaged" in refused.stderr
    assert empty.rows() == []
    assert empty.files() == {}


def test_a_backup_from_another_release_is_refused_with_the_migration_named(backed_up, databases):
    demo, archive, tmp = backed_up

    def older(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["improvement"] = manifest["migrations"]["improvement"][:-1]
        return json.dumps(manifest).encode()

    elsewhere = _altered(archive, tmp / "older.tar.gz", older)
    empty = fresh(databases, tmp, "other-release")

    refused = empty.manage("restore", str(elsewhere), check=False)

    assert refused.returncode != 0
    assert "The backup was made at migration" in refused.stderr
    assert "of improvement" in refused.stderr
    assert empty.rows() == []
