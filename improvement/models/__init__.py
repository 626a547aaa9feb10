"""The improvement app's models, one module per concept; every name is re-exported here so that
`from improvement.models import X` and the migrations' dotted paths keep working."""

from improvement.models.actions import (
    Action,
    FindingResponse,
    LinkChange,
    Milestone,
    due_revision_q,
)
from improvement.models.leads import (
    LEAD_NAME_TAKEN,
    LEAD_OF_OTHER_AUTHORITY,
    Lead,
    check_lead_of,
    lead_authority_errors,
    normalise_name,
    related,
)
from improvement.models.measures import Measure, MeasureValue
from improvement.models.people import Invitation, PeopleChange, new_token, token_digest
from improvement.models.plans import (
    PLAN_AUTHORITY_IN_USE,
    Objective,
    Period,
    Plan,
    PlanRole,
    Theme,
)
from improvement.models.progress import (
    PROGRESS_UPDATES_ARE_APPEND_ONLY,
    AppendOnly,
    Evidence,
    ProgressUpdate,
    ProgressUpdateQuerySet,
)
from improvement.models.reminders import ReminderDigest
from improvement.models.risks import (
    SCORE_OUT_OF_RANGE,
    SCORE_VALIDATORS,
    SCORED_AFTER_CONTROLS,
    SCORED_BEFORE_CONTROLS,
    TARGET_SCORE_OUT_OF_RANGE,
    TARGET_SCORE_VALIDATORS,
    Risk,
)

# The choices are the models' vocabulary, kept in a module of their own.
from improvement.ratings import (
    DONE_STATUSES,
    RISK_SCORE_MAX,
    SCORE_MAX,
    SCORE_MIN,
    Rag,
    RagRule,
    Status,
)

__all__ = [
    "DONE_STATUSES",
    "LEAD_NAME_TAKEN",
    "LEAD_OF_OTHER_AUTHORITY",
    "PLAN_AUTHORITY_IN_USE",
    "PROGRESS_UPDATES_ARE_APPEND_ONLY",
    "RISK_SCORE_MAX",
    "SCORED_AFTER_CONTROLS",
    "SCORED_BEFORE_CONTROLS",
    "SCORE_MAX",
    "SCORE_MIN",
    "SCORE_OUT_OF_RANGE",
    "SCORE_VALIDATORS",
    "TARGET_SCORE_OUT_OF_RANGE",
    "TARGET_SCORE_VALIDATORS",
    "Action",
    "AppendOnly",
    "Evidence",
    "FindingResponse",
    "Invitation",
    "Lead",
    "LinkChange",
    "Measure",
    "MeasureValue",
    "Milestone",
    "Objective",
    "PeopleChange",
    "Period",
    "Plan",
    "PlanRole",
    "ProgressUpdate",
    "ProgressUpdateQuerySet",
    "Rag",
    "RagRule",
    "ReminderDigest",
    "Risk",
    "Status",
    "Theme",
    "check_lead_of",
    "due_revision_q",
    "lead_authority_errors",
    "new_token",
    "normalise_name",
    "related",
    "token_digest",
]
