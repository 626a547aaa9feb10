from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Read a `backup` archive into this installation. The database must be freshly migrated "
        "(`manage.py migrate`) by the release that made the backup and hold nothing yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the archive `backup` wrote")

    def handle(self, *args, archive: Path, **options):
        if not archive.is_file():
            raise CommandError(f"There is no file {archive}.")
        try:
            restored = restore(archive)
        except BackupError as error:
            raise CommandError(f"Nothing was restored. {error}") from None
        self.stdout.write(
            f"Restored {restored.rows} rows and {restored.files} files from {archive}."
        )
