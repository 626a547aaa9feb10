"""A whole installation in one archive, and back: the database's rows and every stored file.

The archive is a gzipped tar holding `manifest.json` (what made it, the migrations it was made
at, the row count of every model and the SHA-256 of every file), `data.json` (every row, as
Django's dumpdata writes it, primary keys kept, content types by name) and `files/<name>` for
every file a row names (evidence, packs). It is read back only into an empty database migrated to
the same migrations, in one transaction: a restore that fails part way leaves the database empty
and writes no file.

Left out, as a fresh installation makes its own: content types and permissions (made by
`migrate`), sessions (a restored site asks everyone to sign in again) and the task queue.
"""

import hashlib
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from improvement import link_history

FORMAT = 1
LEFT_OUT = ("contenttypes", "auth.permission", "sessions", "django_tasks_database")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """What is wrong with an archive or the database it would go into, in words for the admin."""


@dataclass(frozen=True)
class Restored:
    rows: int
    files: int


def _left_out(model) -> bool:
    label = model._meta.label_lower
    return model._meta.app_label in LEFT_OUT or label in LEFT_OUT


def backed_up_models():
    return [
        model
        for model in apps.get_models()
        if not _left_out(model) and not model._meta.proxy and model._meta.managed
    ]


def applied_migrations(using=DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connections[using])
    applied: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in backed_up_models()}


def file_names(querysets) -> list[str]:
    """Every stored file the rows of these querysets name, once: a historical row names the
    same file as its object."""
    names: set[str] = set()
    for queryset in querysets:
        for field in queryset.model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                values = queryset.exclude(**{field.name: ""}).values_list(field.attname, flat=True)
                names.update(name for name in values.iterator() if name)
    return sorted(names)


def stored_file_names() -> list[str]:
    return file_names(model._default_manager.all() for model in backed_up_models())


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def back_up(path: Path) -> dict:
    """Writes the archive to `path` and returns its manifest. Reads in one transaction, so the
    rows and files agree even while the site is in use (on PostgreSQL, a repeatable read)."""
    path = Path(path)
    with transaction.atomic():
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with tempfile.TemporaryDirectory() as scratch:
            data = Path(scratch) / "data.json"
            call_command(
                "dumpdata",
                *[f"--exclude={label}" for label in LEFT_OUT],
                natural_foreign=True,
                output=str(data),
                verbosity=0,
            )
            files = {}
            for name in stored_file_names():
                if not default_storage.exists(name):
                    raise BackupError(f"The file {name} is named by a row but is not in storage.")
                with default_storage.open(name, "rb") as handle:
                    files[name] = {"sha256": _sha256(handle), "size": default_storage.size(name)}
            manifest = {
                "format": FORMAT,
                "made_at": timezone.now().isoformat(),
                "database": connections[DEFAULT_DB_ALIAS].vendor,
                "migrations": applied_migrations(),
                "rows": row_counts(),
                "files": files,
            }
            partial = path.with_name(path.name + ".partial")
            with tarfile.open(partial, "w:gz") as tar:
                _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
                tar.add(data, arcname="data.json")
                for name in files:
                    info = tarfile.TarInfo(f"files/{name}")
                    info.size = files[name]["size"]
                    with default_storage.open(name, "rb") as handle:
                        tar.addfile(info, handle)
            partial.replace(path)
    return manifest


def _safe_name(name: str) -> str:
    parts = PurePosixPath(name).parts
    if not name or name.startswith("/") or ".." in parts or "\\" in name:
        raise BackupError(f"The archive names a file outside storage: {name!r}.")
    return name


def _member(tar: tarfile.TarFile, name: str):
    try:
        member = tar.getmember(name)
    except KeyError:
        raise BackupError(f"The archive has no {name}: it is not a complete backup.") from None
    if not member.isfile():
        raise BackupError(f"{name} in the archive is not a file.")
    return tar.extractfile(member)


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(_member(tar, "manifest.json"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"manifest.json is not readable: {error}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"This archive is not a backup this version can read (format {FORMAT} expected)."
        )
    return manifest


def _check_database_is_ready(manifest: dict) -> None:
    here = applied_migrations()
    there = manifest.get("migrations", {})
    for app in sorted(set(here) | set(there)):
        if here.get(app, []) != there.get(app, []):
            made_at = (there.get(app) or ["none"])[-1]
            now_at = (here.get(app) or ["none"])[-1]
            raise BackupError(
                f"The backup was made at migration {made_at} of {app}; this database is at "
                f"{now_at}. Restore into a database migrated by the release that made the "
                "backup, then upgrade it."
            )
    full = [label for label, count in row_counts().items() if count]
    if full:
        raise BackupError(
            "This database is not empty (it holds rows of "
            + ", ".join(full[:5])
            + ("…" if len(full) > 5 else "")
            + "): restore only into a freshly migrated database."
        )


def _check_files_are_free(files: dict) -> None:
    for name, expected in files.items():
        if default_storage.exists(_safe_name(name)):
            with default_storage.open(name, "rb") as handle:
                if _sha256(handle) != expected["sha256"]:
                    raise BackupError(
                        f"Storage already holds a different file named {name}: restore into "
                        "empty storage."
                    )


def _write_file(tar, name: str, expected: dict, written: list[str]) -> None:
    source = _member(tar, f"files/{name}")
    if _sha256(source) != expected["sha256"]:
        raise BackupError(f"The file {name} in the archive is damaged (its checksum differs).")
    if default_storage.exists(name):
        return  # the same file, checked before anything was written
    source.seek(0)
    saved = default_storage.save(name, File(source, name=name))
    written.append(saved)
    if saved != name:
        raise BackupError(f"Storage would not keep the name {name} (it gave {saved}).")


def restore(path: Path) -> Restored:
    path = Path(path)
    try:
        with tarfile.open(path, "r:*") as tar:
            return _restore_from(tar)
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}.") from None


def _restore_from(tar: tarfile.TarFile) -> Restored:
    manifest = read_manifest(tar)
    files = manifest.get("files", {})
    _check_database_is_ready(manifest)
    _check_files_are_free(files)
    written: list[str] = []
    try:
        with transaction.atomic(), tempfile.TemporaryDirectory() as scratch:
            data = Path(scratch) / "data.json"
            with open(data, "wb") as out:
                source = _member(tar, "data.json")
                while chunk := source.read(CHUNK):
                    out.write(chunk)
            with link_history.paused():
                call_command("loaddata", str(data), verbosity=0)
            _check_counts(manifest.get("rows", {}))
            for name, expected in files.items():
                _write_file(tar, name, expected, written)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return Restored(rows=sum(manifest.get("rows", {}).values()), files=len(files))


def _check_counts(expected: dict[str, int]) -> None:
    counts = row_counts()
    wrong = sorted(
        label for label in set(counts) | set(expected) if counts.get(label) != expected.get(label)
    )
    if wrong:
        raise BackupError(
            "The rows read back do not match the manifest's counts for "
            + ", ".join(wrong[:5])
            + ": the archive is damaged."
        )
