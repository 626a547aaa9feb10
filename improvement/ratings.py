"""The tracker's vocabulary of ratings: every RAG, status, score bound and window, once.

Models, rules, pages, packs and the importer all import these from here, so nothing imports
models.py for a constant and no page keeps its own copy of an order or a number of days.
"""

from django.db import models


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    # Wirral and others show an action that is complete with its impact evidenced as blue.
    BLUE = "blue", "Blue"
    NOT_RATED = "not_rated", "Not rated"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    COMPLETE = "complete", "Complete"
    CLOSED = "closed", "Closed"


class RagRule(models.TextChoices):
    DATES = "dates", "Dates: overdue is red, due soon and not started is amber"
    CRITERIA = (
        "criteria",
        "Criteria: the plan's readiness criteria (scope, resources, project plan, pace)",
    )


# Done: no longer open, so never overdue. Awaiting sign-off is still open.
DONE_STATUSES = (Status.COMPLETE, Status.CLOSED)

# Worst first. "Not rated" sits between amber and green: an action nobody has rated is a worry
# for the board before one reported on track, but less than one known to be slipping.
RAG_SEVERITY = (Rag.RED, Rag.AMBER, Rag.NOT_RATED, Rag.GREEN, Rag.BLUE)
# The same order without "not rated", which can neither improve nor decline.
RAG_RANKED = tuple(rag for rag in RAG_SEVERITY if rag != Rag.NOT_RATED)


def severity(rag: str) -> int:
    """0 for the worst RAG; sort or min() by it to put the most worrying first."""
    return RAG_SEVERITY.index(Rag(rag or Rag.NOT_RATED))


# A not-started action due within this many days is amber, and officers' "due soon" list
# shows the same actions, so the list warns of exactly what the rule is about to turn amber.
DUE_SOON_DAYS = 14
# An open action with no progress update for this long is an exception in the pack.
NO_UPDATE_DAYS = 30

# Risk likelihood and impact are each scored 1 to 5; a score is their product, 1 to 25.
SCORE_MIN, SCORE_MAX = 1, 5
RISK_SCORE_MAX = SCORE_MAX * SCORE_MAX
