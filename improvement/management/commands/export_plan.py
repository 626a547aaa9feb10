from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from improvement.importing.export import export_plan_workbook
from improvement.models import Plan


class Command(BaseCommand):
    help = "Export a plan to a workbook that import_plan reads back."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, metavar="SLUG")
        parser.add_argument("--out", required=True, metavar="FILE")

    def handle(self, *args, **options):
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f'No plan "{options["plan"]}".')
        Path(options["out"]).write_bytes(export_plan_workbook(plan))
        self.stdout.write(f"Wrote {options['out']}")
