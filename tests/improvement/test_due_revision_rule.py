"""One rule for what counts as revising a due date, used by pages, packs and the timeline."""

import datetime

import pytest
from django.utils import timezone

from improvement.models import ProgressUpdate, due_revision_q
from tests.factories import ActionFactory

JAN, FEB = datetime.date(2017, 1, 31), datetime.date(2017, 2, 28)


@pytest.mark.parametrize(
    ("before", "after", "revises"),
    [
        (JAN, FEB, True),
        (JAN, None, True),
        (None, JAN, False),
        (JAN, JAN, False),
        (None, None, False),
    ],
)
def test_only_moving_or_clearing_a_date_the_action_had_is_a_revision(plan, before, after, revises):
    update = ProgressUpdate.objects.create(
        action=ActionFactory(plan=plan), at=timezone.now(), due_on_before=before, due_on_after=after
    )

    assert ProgressUpdate.objects.filter(due_revision_q(), pk=update.pk).exists() is revises
    assert update.revises_due_date is revises
