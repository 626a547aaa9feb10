"""Tell each live plan's improvement leads of the findings still without an action."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from improvement import clock, notifying


class Command(BaseCommand):
    help = (
        "Tell each live plan's improvement leads of its monitoring-visit findings that have had "
        "no action for N days. Each finding is told once: run it daily, as often as you like."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.UNANSWERED_FINDING_DAYS,
            help="Days after the visit's letter (default: UNANSWERED_FINDING_DAYS).",
        )
        parser.add_argument(
            "--on", type=datetime.date.fromisoformat, help="The day to count from (YYYY-MM-DD)."
        )

    def handle(self, *args, days, on, **options):
        told = notifying.tell_of_unanswered_findings(on=on or clock.today(), days=days)
        self.stdout.write(f"{told} improvement lead notification(s) about unanswered findings.")
