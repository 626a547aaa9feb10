"""Every write to a risk from the site goes through here, in the one-write-path shape of
`improvement/services.py`: permission once, lock once (with the editor's version), one new
version with exactly one history row, consequences on commit (docs/architecture.md)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from improvement import clock
from improvement.models import Risk
from improvement.permissions import can_update_risk

NOT_ALLOWED = "You cannot change this risk."
STALE_RISK_EDIT = (
    "%(who)s changed this risk after you opened it. Their change is shown below; nothing of "
    "yours was saved."
)
SOMEONE = "Someone else"
REVIEW_NOTE_REQUIRED = "Say why the scores changed: a review note is required when they do."
RESIDUAL_SCORED_TOGETHER = (
    "Give both the likelihood and the impact after controls, or neither if it is not yet scored."
)
REVIEWED_IN_FUTURE = "The review date must be today or earlier."
REVIEW_DATE_REQUIRED = "Give the date of the review."
REVIEWED_BY_OWNER = "Reviewed on the site"

# What an owner's review changes; every other field of a risk is what the register says it is.
REVIEW_FIELDS = (
    "likelihood",
    "impact",
    "residual_likelihood",
    "residual_impact",
    "existing_controls",
    "additional_controls",
    "review_note",
    "reviewed_on",
)
SCORE_FIELDS = REVIEW_FIELDS[:4]


def _who(history_row) -> str:
    user = history_row.history_user
    return (user.get_full_name() or user.username) if user else SOMEONE


class StaleRiskEdit(Exception):
    """The risk changed since the editor loaded it; carries the versions saved since then."""

    def __init__(self, *, risk: Risk, since_version: int):
        self.risk = risk
        self.since_version = since_version
        self.changes = list(
            risk.history.filter(version__gt=since_version)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        names = list(dict.fromkeys(_who(row) for row in self.changes)) or [SOMEONE]
        self.who = " and ".join(names)
        super().__init__(STALE_RISK_EDIT % {"who": self.who})


@dataclass(frozen=True)
class RiskReview:
    """What an owner's update wrote, for the page to say so."""

    risk: Risk
    changed: bool
    scores_changed: bool = False


@transaction.atomic
def update_risk(
    *,
    risk: Risk,
    by,
    expected_version: int,
    likelihood: int,
    impact: int,
    residual_likelihood: int | None,
    residual_impact: int | None,
    existing_controls: str,
    additional_controls: str,
    review_note: str,
    reviewed_on: datetime.date,
    at: datetime.datetime | None = None,
) -> RiskReview:
    """A risk owner's review from the update page: scores before and after controls, controls,
    the review note and date. Raises PermissionDenied, StaleRiskEdit or ValidationError (keyed
    by field)."""
    if not can_update_risk(by, risk):
        raise PermissionDenied(NOT_ALLOWED)
    locked = _lock(risk, expected_version=expected_version)
    asked = {
        "likelihood": likelihood,
        "impact": impact,
        "residual_likelihood": residual_likelihood,
        "residual_impact": residual_impact,
        "existing_controls": existing_controls.strip(),
        "additional_controls": additional_controls.strip(),
        "review_note": review_note.strip(),
        "reviewed_on": reviewed_on,
    }
    changed = [name for name in REVIEW_FIELDS if getattr(locked, name) != asked[name]]
    scores_changed = any(name in SCORE_FIELDS for name in changed)
    _validate(locked, asked, scores_changed=scores_changed)
    if not changed:
        return RiskReview(risk=locked, changed=False)
    for name in changed:
        setattr(locked, name, asked[name])
    _save(locked, by=by, at=at, reason=asked["review_note"])
    _copy_back(risk, locked)
    return RiskReview(risk=locked, changed=True, scores_changed=scores_changed)


def _lock(risk: Risk, *, expected_version: int) -> Risk:
    locked = Risk.objects.select_related("plan").select_for_update(of=("self",)).get(pk=risk.pk)
    if locked.version != expected_version:
        raise StaleRiskEdit(risk=locked, since_version=expected_version)
    return locked


def _validate(locked: Risk, asked: dict, *, scores_changed: bool) -> None:
    errors = {}
    if (asked["residual_likelihood"] is None) != (asked["residual_impact"] is None):
        errors["residual_impact"] = RESIDUAL_SCORED_TOGETHER
    if asked["reviewed_on"] is None:
        errors["reviewed_on"] = REVIEW_DATE_REQUIRED
    elif asked["reviewed_on"] > clock.today():
        errors["reviewed_on"] = REVIEWED_IN_FUTURE
    if scores_changed and not asked["review_note"]:
        errors["review_note"] = REVIEW_NOTE_REQUIRED
    if errors:
        raise ValidationError(errors)


_NOT_CHECKED_ON_SAVE = [f.name for f in Risk._meta.fields if f.name not in REVIEW_FIELDS]


def _save(locked: Risk, *, by, at, reason: str) -> None:
    """The new version: one UPDATE and its one history row."""
    # The score ranges are the model fields' validators; the rest was valid when it was saved.
    locked.clean_fields(exclude=_NOT_CHECKED_ON_SAVE)
    locked.version += 1
    locked._history_user = by
    locked._history_date = at or timezone.now()
    locked._change_reason = (reason or REVIEWED_BY_OWNER)[:100]
    locked.save()
    # The database computes the scores and an UPDATE does not return them: the same product
    # here, so the caller's instance says what the row now holds without reading it again.
    locked.score = locked.likelihood * locked.impact
    residual = (locked.residual_likelihood, locked.residual_impact)
    locked.residual_score = None if None in residual else residual[0] * residual[1]


def _copy_back(risk: Risk, locked: Risk) -> None:
    """The caller's instance as saved, without reading it again."""
    if risk is locked:
        return
    for field in Risk._meta.concrete_fields:
        setattr(risk, field.attname, getattr(locked, field.attname))
