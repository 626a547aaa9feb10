"""E-mail each lead's users their digest of reminders for the day."""

import datetime

from django.core.management.base import BaseCommand

from improvement import clock, reminding


class Command(BaseCommand):
    help = (
        "E-mail each lead's users one digest of their actions that are overdue, due soon or "
        "without an update for 30 days, and of their risks due for review. At most one digest "
        "per user per day: run it again the same day and it sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on", type=datetime.date.fromisoformat, help="The day to remind for (YYYY-MM-DD)."
        )

    def handle(self, *args, on, **options):
        sent = reminding.send_reminders(on=on or clock.today())
        self.stdout.write(f"{len(sent)} reminder digest(s) sent.")
