"""python manage.py board_pack --plan SLUG --as-at YYYY-MM-DD [--meeting ID] [--issue]
                                [--before-history] [--archive] --out FILE

Without --issue it renders a draft, marked DRAFT on every page, and stores nothing. A pack dated
before the plan's recorded history begins is issued only with --before-history. --archive writes
the archive copy (with the full action plan) instead of the reading copy.
"""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from boards import services
from boards.models import Meeting, Pack
from boards.pack import pipeline
from boards.pack.history import before_history_warning
from boards.pack.render import render_html
from improvement.models import Plan

NO_BOARD = "Plan {slug} reports to no board; add it to a board or name a meeting."
SEVERAL_BOARDS = "Plan {slug} reports to several boards; name a meeting to choose one."
BEFORE_HISTORY_FLAG = "{warning} Add --before-history to issue it anyway."


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--as-at must be a date as YYYY-MM-DD, not {text!r}.") from error


class Command(BaseCommand):
    help = "Render a board pack for a plan as at a date: a draft, or (with --issue) issued."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument("--as-at", required=True, type=_date, help="YYYY-MM-DD.")
        parser.add_argument("--meeting", type=int, help="The board meeting's id.")
        parser.add_argument("--issue", action="store_true", help="Issue and store the pack.")
        parser.add_argument("--reason", default="", help="Why a corrected version is issued.")
        parser.add_argument(
            "--before-history",
            action="store_true",
            help="Confirm issuing a pack dated before the plan's recorded history begins.",
        )
        parser.add_argument(
            "--archive",
            action="store_true",
            help="Write the archive copy, with the full action plan, not the reading copy.",
        )
        parser.add_argument("--out", required=True, type=Path, help="Where to write the PDF.")
        parser.add_argument("--html", type=Path, help="Also write the HTML here.")

    def handle(self, *args, **options):
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f"No plan with slug {options['plan']!r}.")
        meeting = self._meeting(options["meeting"])
        board = meeting.board if meeting else self._only_board(plan)
        archive = options["archive"]
        copy = "archive copy" if archive else "reading copy"
        if options["issue"]:
            pack = self._issue(plan, board, meeting, options)
            stored, pages = (
                (pack.archive_pdf, pack.archive_pages) if archive else (pack.pdf, pack.pages)
            )
            with stored.open("rb") as pdf:
                options["out"].write_bytes(pdf.read())
            if options["html"]:
                html = render_html(pack.snapshot, version=pack.version, appendix=archive)
                options["html"].write_text(html)
            self.stdout.write(f"Issued {pack}: {copy} ({pages} pages) to {options['out']}")
            return
        if warning := before_history_warning(plan, options["as_at"]):
            self.stdout.write(warning)
        built = pipeline.build(
            plan=plan,
            as_at=options["as_at"],
            board=board,
            meeting=meeting,
            draft=True,
            appendix=archive,
        )
        options["out"].write_bytes(built.rendered.pdf)
        if options["html"]:
            options["html"].write_text(built.html)
        self.stdout.write(
            f"Draft pack, {copy} ({built.rendered.pages} pages) written to {options['out']}; "
            "nothing was stored."
        )

    def _meeting(self, meeting_id):
        if meeting_id is None:
            return None
        meeting = Meeting.objects.select_related("board").filter(pk=meeting_id).first()
        if meeting is None:
            raise CommandError(f"No meeting with id {meeting_id}.")
        return meeting

    def _only_board(self, plan):
        boards = list(plan.boards.all()[:2])
        if len(boards) == 1:
            return boards[0]
        raise CommandError((SEVERAL_BOARDS if boards else NO_BOARD).format(slug=plan.slug))

    def _issue(self, plan, board, meeting, options) -> Pack:
        warning = before_history_warning(plan, options["as_at"])
        if warning and not options["before_history"]:
            raise CommandError(BEFORE_HISTORY_FLAG.format(warning=warning))
        try:
            pack = services.issue_pack(
                plan=plan,
                board=board,
                meeting=meeting,
                as_at=options["as_at"],
                by=None,
                reason=options["reason"],
                before_history_confirmed=options["before_history"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        # The task ran on commit (immediate backend) or is queued for a worker.
        pack.refresh_from_db()
        if pack.status == Pack.PackStatus.BUILDING:
            pack = Pack.objects.get(pk=services.build_pack(pack_id=pack.pk).pk)
        if pack.status != Pack.PackStatus.ISSUED:
            raise CommandError(f"The pack failed to build: {pack.error}")
        return pack
