"""Every write to an action goes through here: views, admin, importers and commands alike.

Each write is one public function, atomic: it asks permission once, locks the action once, applies
the change through the steps in `steps` (which take the locked row), and saves it as one new
version with exactly one history row and one progress update (docs/architecture.md). The writes
sit by who makes them: `progress` (the officer's update), `sign_off`, `decisions` (a board's),
`sheets` (the importer's), `details` (the admin's) and `findings` (an action answering a
monitoring visit's finding).
"""

from improvement.services.decisions import (
    ALREADY_CLOSED,
    SAME_DUE_DATE,
    approve_closure,
    approve_revised_due_date,
)
from improvement.services.details import (
    ADDED_IN_ADMIN,
    DETAILS_CHANGED,
    add_action,
    edit_action_details,
)
from improvement.services.findings import ADDED_FROM_FINDING, add_action_from_finding
from improvement.services.progress import (
    DUE_DATE_REQUIRED,
    EVIDENCE_MISSING,
    UpdateResult,
    attach_evidence,
    record_progress,
    revise_due_date,
    update_action,
)
from improvement.services.sheets import NOT_FROM_SHEET, record_new_actions, record_sheet_row
from improvement.services.sign_off import (
    NOT_AWAITING_SIGN_OFF,
    SEND_BACK_REASON_REQUIRED,
    SENT_BACK,
    SIGNED_OFF,
    request_sign_off,
    send_back,
    sign_off,
)
from improvement.services.steps import (
    COMMENTARY_REQUIRED,
    COMMENTARY_REQUIRED_RED_AMBER,
    DUE_REASON_REQUIRED,
    EVIDENCE_ADDED,
    IMPACT_EVIDENCE_REQUIRED,
    NOT_ALLOWED,
    PROGRESS_FIELDS,
    STALE_EDIT,
    StaleEdit,
    original_name,
)

__all__ = [
    "ADDED_FROM_FINDING",
    "ADDED_IN_ADMIN",
    "ALREADY_CLOSED",
    "COMMENTARY_REQUIRED",
    "COMMENTARY_REQUIRED_RED_AMBER",
    "DETAILS_CHANGED",
    "DUE_DATE_REQUIRED",
    "DUE_REASON_REQUIRED",
    "EVIDENCE_ADDED",
    "EVIDENCE_MISSING",
    "IMPACT_EVIDENCE_REQUIRED",
    "NOT_ALLOWED",
    "NOT_AWAITING_SIGN_OFF",
    "NOT_FROM_SHEET",
    "PROGRESS_FIELDS",
    "SAME_DUE_DATE",
    "SEND_BACK_REASON_REQUIRED",
    "SENT_BACK",
    "SIGNED_OFF",
    "STALE_EDIT",
    "StaleEdit",
    "UpdateResult",
    "add_action",
    "add_action_from_finding",
    "approve_closure",
    "approve_revised_due_date",
    "attach_evidence",
    "edit_action_details",
    "original_name",
    "record_new_actions",
    "record_progress",
    "record_sheet_row",
    "request_sign_off",
    "revise_due_date",
    "send_back",
    "sign_off",
    "update_action",
]
