from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from authorities.models import Authority
from operations.council_export import UnplacedModel, export_council


class Command(BaseCommand):
    help = (
        "Write everything one council holds (plans and their history, progress updates, "
        "evidence, meetings, packs, the people its rows name) to one zip."
    )

    def add_arguments(self, parser):
        parser.add_argument("authority", help="the council's name or slug")
        parser.add_argument("archive", type=Path, help="where to write, e.g. wirral.zip")

    def handle(self, *args, authority: str, archive: Path, **options):
        council = Authority.objects.named(authority)
        if council is None:
            raise CommandError(f'No council named "{authority}".')
        if archive.exists():
            raise CommandError(f"{archive} already exists: name a new file.")
        try:
            manifest = export_council(council, archive)
        except UnplacedModel as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Exported {council}: {rows} rows, {manifest['people']} people and "
            f"{len(manifest['files'])} files to {archive}."
        )
