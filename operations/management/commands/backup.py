from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, back_up


class Command(BaseCommand):
    help = (
        "Write the whole installation (every row and every stored file) to one .tar.gz archive; "
        "`restore` reads it back into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="where to write, e.g. backup.tar.gz")

    def handle(self, *args, archive: Path, **options):
        if archive.exists():
            raise CommandError(f"{archive} already exists: name a new file.")
        if not archive.parent.is_dir():
            raise CommandError(f"There is no folder {archive.parent} to write {archive.name} in.")
        try:
            manifest = back_up(archive)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"Backed up {rows} rows and {len(manifest['files'])} files to {archive}.")
