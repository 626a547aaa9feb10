"""Every write to an action goes through here: views, admin, importers and commands alike.

Each write is one public function, atomic: it asks permission once, locks the action once, applies
the change through the private steps below (which take the locked row), and saves it as one new
version with exactly one history row and one progress update (docs/architecture.md).
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from improvement.models import DONE_STATUSES, Action, Evidence, ProgressUpdate, Rag, Status
from improvement.permissions import can_record_meetings, can_sign_off, can_update_action
from improvement.querysets import SENT_BACK_PREFIX
from improvement.rag import completed_rag
from improvement.uploads import validate_evidence_file

COMMENTARY_REQUIRED = "Say what has changed: commentary is required when the RAG or status changes."
COMMENTARY_REQUIRED_RED_AMBER = "Commentary is required for a red or amber RAG."
DUE_REASON_REQUIRED = "Give a reason for revising the due date."
STALE_EDIT = (
    "Someone else updated this action after you opened it. Their change is shown below; "
    "nothing of yours was saved."
)
NOT_ALLOWED = "You cannot change this action."
IMPACT_EVIDENCE_REQUIRED = (
    "Describe the evidence of impact: an action is only marked complete with its impact shown."
)
NOT_AWAITING_SIGN_OFF = "This action is not awaiting sign-off."
SEND_BACK_REASON_REQUIRED = "Say why the action is being sent back."
SIGNED_OFF = "Signed off as complete."
SENT_BACK = SENT_BACK_PREFIX + "%(reason)s"
EVIDENCE_MISSING = "Choose a file or give a link."
EVIDENCE_ADDED = "Evidence added: %(name)s"
DETAILS_CHANGED = "Details changed in the admin: %(fields)s."
ADDED_IN_ADMIN = "Added in the admin."
DUE_DATE_REQUIRED = "Give the new due date."
ALREADY_CLOSED = "This action is already complete or closed."
SAME_DUE_DATE = "The action is already due on that date."

# What a progress update changes; every other field of an action is its plan's wording.
PROGRESS_FIELDS = (
    "progress_rag",
    "status",
    "impact_rag",
    "impact_evidence",
    "commentary",
    "due_on",
    "due_needs_review",
    "completed_on",
)
# Never taken from a spreadsheet row: the action's identity, its lock and what its save() sets.
NOT_FROM_SHEET = {"id", "plan", "version", "updated_at", "first_due_on", *PROGRESS_FIELDS}


class StaleEdit(Exception):
    """The action changed since the editor loaded it; carries what changed since then."""

    def __init__(self, *, action: Action, since_version: int):
        super().__init__(STALE_EDIT)
        self.action = action
        self.since_version = since_version
        self.updates = list(
            action.updates.select_related("by").filter(action_version__gt=since_version)
        )


@dataclass(frozen=True)
class UpdateResult:
    """What an officer's update wrote, for the page to say so."""

    update: ProgressUpdate | None
    evidence: Evidence | None = None
    sign_off_requested: bool = False

    @property
    def changed(self) -> bool:
        return self.update is not None


_UNSET = object()


# Public writes ---------------------------------------------------------------------------------


@transaction.atomic
def update_action(
    *,
    action: Action,
    by,
    expected_version: int,
    progress_rag: str | None = None,
    status: str | None = None,
    commentary: str = "",
    due_on=_UNSET,
    due_reason: str = "",
    impact_evidence: str | None = None,
    evidence_file=None,
    evidence_link: str = "",
    evidence_description: str = "",
    at: datetime.datetime | None = None,
) -> UpdateResult:
    """An officer's update from the update page: progress, maybe a sign-off request, evidence.

    Marking the action complete asks for sign-off; evidence given with no other change is an
    update of its own. Raises PermissionDenied, StaleEdit or ValidationError (with field keys).
    """
    _require(can_update_action(by, action))
    locked = _lock(action, expected_version=expected_version)
    if evidence_file:
        _check_evidence_file(evidence_file)
    new_status = _status_asked(locked.status, status)
    asks_sign_off = new_status == Status.AWAITING_SIGN_OFF and locked.status != new_status
    if asks_sign_off:
        _check_impact_evidence(impact_evidence or "")
    update = _change(
        locked,
        by=by,
        at=at,
        progress_rag=progress_rag,
        status=new_status,
        commentary=commentary,
        due_on=due_on,
        due_reason=due_reason,
        impact_evidence=impact_evidence,
    )
    has_evidence = bool(evidence_file or evidence_link)
    if update is None and has_evidence:
        name = evidence_description or evidence_link or original_name(evidence_file)
        update = _evidence_update(locked, by=by, name=name, at=at)
    if update is not None:
        _save(locked, update, by=by)
    evidence = None
    if has_evidence:
        evidence = _attach(
            locked,
            update,
            by=by,
            file=evidence_file,
            link=evidence_link,
            description=evidence_description,
        )
    _copy_back(action, locked)
    return UpdateResult(
        update=update, evidence=evidence, sign_off_requested=asks_sign_off and update is not None
    )


@transaction.atomic
def attach_evidence(
    *,
    action: Action,
    by,
    expected_version: int,
    file=None,
    link: str = "",
    description: str = "",
    at: datetime.datetime | None = None,
) -> Evidence:
    """Evidence on its own: a file and/or a link, on an update of its own."""
    _require(can_update_action(by, action))
    if not file and not link:
        raise ValidationError({"evidence_file": EVIDENCE_MISSING})
    if file:
        _check_evidence_file(file)
    locked = _lock(action, expected_version=expected_version)
    name = description or link or original_name(file)
    update = _evidence_update(locked, by=by, name=name, at=at)
    _save(locked, update, by=by)
    evidence = _attach(locked, update, by=by, file=file, link=link, description=description)
    _copy_back(action, locked)
    return evidence


@transaction.atomic
def revise_due_date(
    *,
    action: Action,
    by,
    expected_version: int,
    due_on: datetime.date,
    reason: str,
    commentary: str = "",
    at: datetime.datetime | None = None,
) -> ProgressUpdate | None:
    """A new due date with its reason, which the board sees. None when the date is the same."""
    _require(can_update_action(by, action))
    if due_on is None:
        raise ValidationError({"due_on": DUE_DATE_REQUIRED})
    locked = _lock(action, expected_version=expected_version)
    update = _change(locked, by=by, at=at, due_on=due_on, due_reason=reason, commentary=commentary)
    if update is not None:
        _save(locked, update, by=by)
    _copy_back(action, locked)
    return update


@transaction.atomic
def approve_revised_due_date(
    *,
    action: Action,
    by,
    due_on: datetime.date,
    decision: str,
    decision_url: str,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """A board decision moves the due date; the update names and links the decision."""
    _require(can_record_meetings(by, action.plan))
    locked = _lock(action, expected_version=action.version)
    if locked.due_on == due_on:
        raise ValidationError({"revised_due_on": SAME_DUE_DATE})
    update = _change(locked, by=by, at=at, due_on=due_on, due_reason=decision, commentary=decision)
    update.decision_url = decision_url
    _save(locked, update, by=by)
    _copy_back(action, locked)
    return update


@transaction.atomic
def approve_closure(
    *,
    action: Action,
    by,
    decision: str,
    decision_url: str,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """A board decision closes an open action (or one awaiting sign-off)."""
    _require(can_record_meetings(by, action.plan))
    locked = _lock(action, expected_version=action.version)
    if locked.status in DONE_STATUSES:
        raise ValidationError({"action": ALREADY_CLOSED})
    update = _change(locked, by=by, at=at, status=Status.CLOSED, commentary=decision)
    update.decision_url = decision_url
    _save(locked, update, by=by)
    _copy_back(action, locked)
    return update


@transaction.atomic
def request_sign_off(
    *,
    action: Action,
    by,
    expected_version: int,
    impact_evidence: str,
    commentary: str,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """The officer says the action is done: it waits for an improvement lead's sign-off."""
    _require(can_update_action(by, action))
    locked = _lock(action, expected_version=expected_version)
    if locked.status in (Status.AWAITING_SIGN_OFF, *DONE_STATUSES):
        raise ValidationError({"status": NOT_AWAITING_SIGN_OFF})
    _check_impact_evidence(impact_evidence)
    update = _change(
        locked,
        by=by,
        at=at,
        status=Status.AWAITING_SIGN_OFF,
        impact_evidence=impact_evidence,
        commentary=commentary,
    )
    _save(locked, update, by=by)
    _copy_back(action, locked)
    return update


@transaction.atomic
def sign_off(
    *,
    action: Action,
    by,
    expected_version: int,
    commentary: str = "",
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """An improvement lead accepts the action as complete; evidenced impact shows it blue."""
    _require(can_sign_off(by, action))
    locked = _lock(action, expected_version=expected_version)
    if locked.status != Status.AWAITING_SIGN_OFF:
        raise ValidationError({"status": NOT_AWAITING_SIGN_OFF})
    update = _change(
        locked,
        by=by,
        at=at,
        status=Status.COMPLETE,
        progress_rag=completed_rag(impact_evidence=locked.impact_evidence),
        commentary=commentary.strip() or SIGNED_OFF,
    )
    _save(locked, update, by=by)
    _copy_back(action, locked)
    return update


@transaction.atomic
def send_back(
    *,
    action: Action,
    by,
    expected_version: int,
    reason: str,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """An improvement lead refuses sign-off; the action is open again and the reason is kept."""
    _require(can_sign_off(by, action))
    locked = _lock(action, expected_version=expected_version)
    if locked.status != Status.AWAITING_SIGN_OFF:
        raise ValidationError({"status": NOT_AWAITING_SIGN_OFF})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": SEND_BACK_REASON_REQUIRED})
    update = _change(
        locked,
        by=by,
        at=at,
        status=Status.IN_PROGRESS,
        commentary=SENT_BACK % {"reason": reason},
        reason=reason,
    )
    _save(locked, update, by=by)
    _copy_back(action, locked)
    return update


@transaction.atomic
def record_progress(
    *,
    action: Action,
    by,
    expected_version: int,
    progress_rag: str | None = None,
    status: str | None = None,
    commentary: str = "",
    impact_rag: str | None = None,
    impact_evidence: str | None = None,
    due_on=_UNSET,
    due_reason: str = "",
    reason: str = "",
    at: datetime.datetime | None = None,
) -> ProgressUpdate | None:
    """A progress update from a caller that has already decided `by` may make it (the admin,
    the demo loader), with the same rules as an officer's. Arguments left as None (or due_on
    unset) keep their value; returns None when nothing changed. `reason` is why sign-off was
    refused; the update keeps it, or else the due date's reason, since it is written once."""
    locked = _lock(action, expected_version=expected_version)
    update = _change(
        locked,
        by=by,
        at=at,
        progress_rag=progress_rag,
        status=status,
        commentary=commentary,
        impact_rag=impact_rag,
        impact_evidence=impact_evidence,
        due_on=due_on,
        due_reason=due_reason,
        reason=reason,
    )
    if update is not None:
        _save(locked, update, by=by)
    _copy_back(action, locked)
    return update


@transaction.atomic
def record_sheet_row(
    *,
    action: Action,
    row: Action,
    by,
    expected_version: int,
    commentary: str,
    due_reason: str = "",
    change_reason: str = "spreadsheet import",
) -> ProgressUpdate:
    """A spreadsheet row's changes to an existing action, as one write: its wording and its
    progress in one history row and one progress update. `row` holds the values the row read;
    the importing user was allowed by the import itself. The action's commentary becomes the
    row's; the update's is `commentary`, which says what the import did when the row says
    nothing new."""
    locked = _lock(action, expected_version=expected_version)
    for field in Action._meta.concrete_fields:
        if field.name not in NOT_FROM_SHEET:
            setattr(locked, field.attname, getattr(row, field.attname))
    update = _change(
        locked,
        by=by,
        progress_rag=row.progress_rag,
        status=row.status,
        impact_rag=row.impact_rag,
        impact_evidence=row.impact_evidence,
        due_on=row.due_on,
        due_reason=due_reason,
        commentary=commentary,
        always=True,
    )
    locked.commentary = row.commentary
    # Text that is no date ("On going") is flagged for review, whether or not the date moved.
    locked.due_needs_review = row.due_needs_review
    _save(locked, update, by=by, change_reason=change_reason)
    _copy_back(action, locked)
    return update


@transaction.atomic
def record_new_actions(
    *, actions: list[Action], by, commentary: str, at: datetime.datetime | None = None
) -> list[ProgressUpdate]:
    """The first progress update of actions just added in bulk (their history rows written with
    them): each records the action as it started, at its first version."""
    at = at or timezone.now()
    return ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                action=action,
                by=by,
                at=at,
                progress_rag_before=action.progress_rag,
                progress_rag_after=action.progress_rag,
                impact_rag_before=action.impact_rag,
                impact_rag_after=action.impact_rag,
                status_before=action.status,
                status_after=action.status,
                due_on_before=action.due_on,
                due_on_after=action.due_on,
                commentary=commentary,
                action_version=action.version,
            )
            for action in actions
        ],
        batch_size=500,
    )


@transaction.atomic
def edit_action_details(
    *, action: Action, by, changed: list[str], at: datetime.datetime | None = None
) -> ProgressUpdate:
    """An installation admin's change to what an action is (its words, lead, place in the
    plan): progress stays as the locked row holds it, so an update recorded on the site since
    the admin page opened is kept, and the change is one version with its one progress update."""
    _require(by.has_perm("improvement.change_action"))
    current = Action.objects.select_for_update().get(pk=action.pk)
    for name in (*PROGRESS_FIELDS, "version"):
        setattr(action, name, getattr(current, name))
    update = _update_of(
        action, by=by, at=at, commentary=DETAILS_CHANGED % {"fields": ", ".join(changed)}
    )
    _save(action, update, by=by)
    return update


@transaction.atomic
def add_action(*, action: Action, by, at: datetime.datetime | None = None) -> ProgressUpdate:
    """An action an installation admin adds: unrated and not started, with its first update."""
    _require(by.has_perm("improvement.add_action"))
    action._history_user = by
    action._change_reason = ADDED_IN_ADMIN
    action.save()
    return record_new_actions(actions=[action], by=by, commentary=ADDED_IN_ADMIN, at=at)[0]


# Private steps: each takes the row its public write locked --------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(NOT_ALLOWED)


def _lock(action: Action, *, expected_version: int) -> Action:
    locked = Action.objects.select_related("plan").select_for_update(of=("self",)).get(pk=action.pk)
    if locked.version != expected_version:
        raise StaleEdit(action=locked, since_version=expected_version)
    return locked


def _copy_back(action: Action, locked: Action) -> None:
    """The caller's instance as saved, without reading it again."""
    if action is locked:
        return
    for field in Action._meta.concrete_fields:
        setattr(action, field.attname, getattr(locked, field.attname))


def _status_asked(current: str, asked: str | None) -> str | None:
    """Marking an open action complete asks for sign-off; only a sign-off completes it."""
    if asked != Status.COMPLETE:
        return asked
    if current in (Status.AWAITING_SIGN_OFF, *DONE_STATUSES):
        return None
    return Status.AWAITING_SIGN_OFF


def _check_impact_evidence(impact_evidence: str) -> None:
    if not impact_evidence.strip():
        raise ValidationError({"impact_evidence": IMPACT_EVIDENCE_REQUIRED})


def _check_evidence_file(file) -> None:
    # The model field's own validator, asked before anything is written, keyed for the form.
    try:
        validate_evidence_file(file)
    except ValidationError as refused:
        raise ValidationError({"evidence_file": refused.messages}) from refused


def original_name(file) -> str:
    """The uploader's file name, kept only to show and to name the download."""
    name = Path(file.name or "").name
    return "".join(ch for ch in name if ch.isprintable())[-255:]


def _change(
    locked: Action,
    *,
    by,
    at=None,
    progress_rag=None,
    status=None,
    commentary="",
    impact_rag=None,
    impact_evidence=None,
    due_on=_UNSET,
    due_reason="",
    reason="",
    always=False,
) -> ProgressUpdate | None:
    """Apply a progress change to the locked row and build its (unsaved) update at the next
    version; None when it changes nothing, unless `always`."""
    new_rag = progress_rag if progress_rag is not None else locked.progress_rag
    new_status = status if status is not None else locked.status
    new_impact_rag = impact_rag if impact_rag is not None else locked.impact_rag
    new_due = locked.due_on if due_on is _UNSET else due_on
    commentary = (commentary or "").strip()
    _validate(
        locked,
        new_rag=new_rag,
        new_status=new_status,
        new_due=new_due,
        commentary=commentary,
        due_reason=due_reason,
    )
    changed = (
        new_rag != locked.progress_rag
        or new_status != locked.status
        or new_impact_rag != locked.impact_rag
        or new_due != locked.due_on
        or bool(commentary)
        or (impact_evidence is not None and impact_evidence != locked.impact_evidence)
    )
    if not (changed or always):
        return None
    update = _update_of(locked, by=by, at=at, commentary=commentary)
    update.progress_rag_after = new_rag
    update.impact_rag_after = new_impact_rag
    update.status_after = new_status
    update.due_on_after = new_due
    update.reason = reason.strip() or due_reason.strip()

    locked.progress_rag = new_rag
    locked.status = new_status
    locked.impact_rag = new_impact_rag
    if new_due != locked.due_on:
        locked.due_on = new_due
        locked.due_needs_review = False
    if commentary:
        locked.commentary = commentary
    if impact_evidence is not None:
        locked.impact_evidence = impact_evidence
    if new_status == Status.COMPLETE and locked.completed_on is None:
        locked.completed_on = update.at.date()
    return update


def _validate(locked: Action, *, new_rag, new_status, new_due, commentary, due_reason) -> None:
    errors = {}
    if not commentary:
        if new_rag != locked.progress_rag or new_status != locked.status:
            errors["commentary"] = COMMENTARY_REQUIRED
        elif new_rag in (Rag.RED, Rag.AMBER):
            errors["commentary"] = COMMENTARY_REQUIRED_RED_AMBER
    if new_due != locked.due_on and locked.due_on is not None and not due_reason.strip():
        errors["due_reason"] = DUE_REASON_REQUIRED
    if errors:
        raise ValidationError(errors)


def _update_of(locked: Action, *, by, at, commentary: str) -> ProgressUpdate:
    """An update that changes nothing yet, at the action's next version."""
    locked.version += 1
    return ProgressUpdate(
        action=locked,
        by=by,
        at=at or timezone.now(),
        progress_rag_before=locked.progress_rag,
        progress_rag_after=locked.progress_rag,
        impact_rag_before=locked.impact_rag,
        impact_rag_after=locked.impact_rag,
        status_before=locked.status,
        status_after=locked.status,
        due_on_before=locked.due_on,
        due_on_after=locked.due_on,
        commentary=commentary,
        action_version=locked.version,
    )


def _evidence_update(locked: Action, *, by, name: str, at) -> ProgressUpdate:
    return _update_of(locked, by=by, at=at, commentary=EVIDENCE_ADDED % {"name": name})


_NOT_CHECKED_ON_SAVE = [f.name for f in Action._meta.fields if f.name not in PROGRESS_FIELDS]


def _save(locked: Action, update: ProgressUpdate, *, by, change_reason: str = "") -> None:
    """The new version: one UPDATE, its one history row, its one progress update."""
    # Only what a write changes is checked here: the rest was valid when it was saved, and
    # checking relations would cost a query each.
    locked.clean_fields(exclude=_NOT_CHECKED_ON_SAVE)
    locked._change_reason = change_reason or update.commentary[:100] or "progress update"
    locked._history_user = by
    # The history row and the update carry one time: now, or the time the caller recorded.
    locked._history_date = update.at
    locked.save()
    update.save()


def _attach(locked: Action, update: ProgressUpdate, *, by, file, link, description) -> Evidence:
    evidence = Evidence(
        action=locked,
        update=update,
        file=file or "",
        original_name=original_name(file) if file else "",
        link=link,
        description=description,
        uploaded_by=by,
    )
    # The file was checked before anything was written, and the relations are the rows above.
    evidence.clean_fields(exclude=["action", "update", "uploaded_by", "file"])
    evidence._history_date = update.at
    evidence.save()
    return evidence
