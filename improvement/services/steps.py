"""The private steps every action write is made of: each takes the row its public write
locked. Only the modules of this package call them."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from improvement.models import DONE_STATUSES, Action, Evidence, ProgressUpdate, Rag, Status
from improvement.uploads import validate_evidence_file
from notices.services import tell_on_commit

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
EVIDENCE_ADDED = "Evidence added: %(name)s"


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


class StaleEdit(Exception):
    """The action changed since the editor loaded it; carries what changed since then."""

    def __init__(self, *, action: Action, since_version: int):
        super().__init__(STALE_EDIT)
        self.action = action
        self.since_version = since_version
        self.updates = list(
            action.updates.select_related("by").filter(action_version__gt=since_version)
        )


UNSET = object()


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(NOT_ALLOWED)


def lock(action: Action, *, expected_version: int) -> Action:
    locked = Action.objects.select_related("plan").select_for_update(of=("self",)).get(pk=action.pk)
    if locked.version != expected_version:
        raise StaleEdit(action=locked, since_version=expected_version)
    return locked


def copy_back(action: Action, locked: Action) -> None:
    """The caller's instance as saved, without reading it again."""
    if action is locked:
        return
    for field in Action._meta.concrete_fields:
        setattr(action, field.attname, getattr(locked, field.attname))


def status_asked(current: str, asked: str | None) -> str | None:
    """Marking an open action complete asks for sign-off; only a sign-off completes it."""
    if asked != Status.COMPLETE:
        return asked
    if current in (Status.AWAITING_SIGN_OFF, *DONE_STATUSES):
        return None
    return Status.AWAITING_SIGN_OFF


def check_impact_evidence(impact_evidence: str) -> None:
    if not impact_evidence.strip():
        raise ValidationError({"impact_evidence": IMPACT_EVIDENCE_REQUIRED})


def check_evidence_file(file) -> None:
    # The model field's own validator, asked before anything is written, keyed for the form.
    try:
        validate_evidence_file(file)
    except ValidationError as refused:
        raise ValidationError({"evidence_file": refused.messages}) from refused


def original_name(file) -> str:
    """The uploader's file name, kept only to show and to name the download."""
    name = Path(file.name or "").name
    return "".join(ch for ch in name if ch.isprintable())[-255:]


def change(
    locked: Action,
    *,
    by,
    at=None,
    progress_rag=None,
    status=None,
    commentary="",
    impact_rag=None,
    impact_evidence=None,
    due_on=UNSET,
    due_reason="",
    reason="",
    always=False,
) -> ProgressUpdate | None:
    """Apply a progress change to the locked row and build its (unsaved) update at the next
    version; None when it changes nothing, unless `always`."""
    new_rag = progress_rag if progress_rag is not None else locked.progress_rag
    new_status = status if status is not None else locked.status
    new_impact_rag = impact_rag if impact_rag is not None else locked.impact_rag
    new_due = locked.due_on if due_on is UNSET else due_on
    commentary = (commentary or "").strip()
    validate(
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
    update = update_of(locked, by=by, at=at, commentary=commentary)
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


def validate(locked: Action, *, new_rag, new_status, new_due, commentary, due_reason) -> None:
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


def update_of(locked: Action, *, by, at, commentary: str) -> ProgressUpdate:
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


def evidence_update(locked: Action, *, by, name: str, at) -> ProgressUpdate:
    return update_of(locked, by=by, at=at, commentary=EVIDENCE_ADDED % {"name": name})


_NOT_CHECKED_ON_SAVE = [f.name for f in Action._meta.fields if f.name not in PROGRESS_FIELDS]


def save(locked: Action, update: ProgressUpdate, *, by, change_reason: str = "") -> None:
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


def attach(locked: Action, update: ProgressUpdate, *, by, file, link, description) -> Evidence:
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


def tell_of(update: ProgressUpdate, *, task, at) -> None:
    """After the commit, `task` decides who hears of the update (improvement/tasks.py)."""
    # A write dated in the past (the demo loader's invented history) is not news to anyone.
    if at is None:
        tell_on_commit(task, update.pk)
