"""The daily schedule: run it once a day from cron or a systemd timer (docs/operations.md)."""

import datetime

from django.core.management.base import BaseCommand

from boards import schedule
from improvement import clock


class Command(BaseCommand):
    help = (
        "The day's scheduled work: pre-board and regular reminder digests, the draft packs at "
        "each board's cut-off, and the findings still without an action. Idempotent: run it "
        "again the same day and it sends and builds nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on", type=datetime.date.fromisoformat, help="The day to run for (YYYY-MM-DD)."
        )

    def handle(self, *args, on, **options):
        done = schedule.run(on=on or clock.today())
        self.stdout.write(
            f"{len(done.pre_board)} pre-board reminder digest(s), "
            f"{len(done.regular)} regular reminder digest(s), "
            f"{len(done.drafts)} draft pack(s) at the cut-off, "
            f"{done.findings_told} notification(s) about unanswered findings."
        )
