from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from authorities.models import Authority
from improvement.importing.headers import parse_choices, parse_mapping
from improvement.importing.workbook import import_workbook
from improvement.models import Plan

IMPORT_FAILED = "Import failed: nothing was saved."
UNKNOWN_PLAN = 'No plan "{slug}": give --create-plan "TITLE" to create it.'
AUTHORITY_NEEDED = (
    'Say which council the new plan belongs to: --authority "NAME" (an existing authority\'s '
    "name or slug, or a new authority's name)."
)
NEW_AUTHORITY = 'New authority "{name}" created.'
UNKNOWN_USER = 'No user "{username}": --user names the account the import is recorded against.'
USER_NEEDED = (
    'Plan "{slug}" already has actions: give --user USERNAME, the account this import\'s changes '
    "are recorded against, or --dry-run to preview."
)


class Command(BaseCommand):
    help = "Import a plan workbook (.xlsx or .csv) into a plan: all sheets or nothing."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--plan", required=True, metavar="SLUG")
        parser.add_argument("--create-plan", metavar="TITLE")
        parser.add_argument(
            "--authority",
            default="",
            help="For --create-plan: the council's name or slug; a new name creates it.",
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--sheet", action="append", metavar="NAME")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=field",
            help='Map a column by its header ("Lead / By=lead", "March #2=milestones") or its '
            'position ("column C=milestones"); "=ignore" skips it.',
        )
        parser.add_argument(
            "--header-row",
            action="append",
            default=[],
            metavar="[SHEET=]N",
            help="The sheet's header is on row N (the first row of a two-row header).",
        )
        parser.add_argument(
            "--kind",
            action="append",
            default=[],
            metavar="[SHEET=]KIND",
            help="What the sheet holds: actions, recommendations, risks, measures, "
            "measure_values, or skip.",
        )
        parser.add_argument(
            "--user",
            help="Username the import and its changes are recorded against; needed to import "
            "into a plan that already has actions.",
        )

    def handle(self, *args, **options):
        try:
            mapping = parse_mapping(options["map"])
            choices = parse_choices(options["header_row"], options["kind"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        user = self._user(options["user"])
        # One transaction for the new plan and every file: a failure or a dry run keeps none.
        with transaction.atomic():
            plan = self._plan(options)
            # A change to an action officers work on is recorded against someone; a first import
            # into an empty plan changes nothing anyone did.
            if user is None and not options["dry_run"] and plan.actions.exists():
                raise CommandError(USER_NEEDED.format(slug=plan.slug))
            failed = False
            for path in options["paths"]:
                summary = import_workbook(
                    plan=plan,
                    data=self._read(path),
                    filename=path,
                    user=user,
                    dry_run=False,
                    mapping=mapping,
                    sheets=options["sheet"],
                    choices=choices,
                )
                summary.dry_run = options["dry_run"]
                self.stdout.write(f"== {path}")
                for line in summary.lines():
                    self.stdout.write(line)
                failed = failed or not summary.ok
            if failed or options["dry_run"]:
                transaction.set_rollback(True)
        if failed:
            raise CommandError(IMPORT_FAILED)

    def _user(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(UNKNOWN_USER.format(username=username))
        return user

    def _read(self, path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from None

    def _plan(self, options) -> Plan:
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan:
            return plan
        if not options["create_plan"]:
            raise CommandError(UNKNOWN_PLAN.format(slug=options["plan"]))
        return Plan.objects.create(
            slug=slugify(options["plan"]),
            title=options["create_plan"],
            authority=self._authority(options["authority"]),
        )

    def _authority(self, name: str) -> Authority:
        # Never a guess: a plan created under the wrong council would share its leads.
        if not name.strip():
            raise CommandError(AUTHORITY_NEEDED)
        authority = Authority.objects.named(name)
        if authority is None:
            authority = Authority.objects.create(name=name.strip())
            self.stdout.write(NEW_AUTHORITY.format(name=authority.name))
        return authority
