"""django-import-export resources for a plan's recommendations, actions, risks and measures.

Every resource works inside one plan and finds existing rows by their natural reference
(recommendation by inspection and reference, action and risk by reference, measure by name,
measure value by measure and period), so importing the same sheet twice changes nothing.
Column names are the ones the Wirral sheets use; headers.py maps other spellings onto them.
"""

from improvement.importing.resources.actions import (
    AWAITING_SIGN_OFF_STATUS_KEPT,
    DUE_FROM_LEAD_CELL,
    DUE_NEEDS_REVIEW,
    DUE_READ_AS,
    IMPORT_ADDED,
    IMPORT_COMMENTARY,
    IMPORT_DUE_REASON,
    MARKED_FROM_INSPECTION,
    MILESTONE_YEAR,
    NO_REFERENCE,
    REVISED_DUE_KEPT,
    SIGNED_OFF,
    SIGNED_OFF_RAG_KEPT,
    SIGNED_OFF_STATUS_KEPT,
    ActionResource,
)
from improvement.importing.resources.base import NEW_LEAD, NEW_LEAD_FROM_CAPITALS, PlanResource
from improvement.importing.resources.measures import MeasureResource, MeasureValueResource
from improvement.importing.resources.recommendations import NO_INSPECTION, RecommendationResource
from improvement.importing.resources.risks import TOTAL_DISAGREES, RiskResource

RESOURCES = {
    "recommendations": RecommendationResource,
    "actions": ActionResource,
    "risks": RiskResource,
    "measures": MeasureResource,
    "measure_values": MeasureValueResource,
}

__all__ = [
    "AWAITING_SIGN_OFF_STATUS_KEPT",
    "ActionResource",
    "DUE_FROM_LEAD_CELL",
    "DUE_NEEDS_REVIEW",
    "DUE_READ_AS",
    "IMPORT_ADDED",
    "IMPORT_COMMENTARY",
    "IMPORT_DUE_REASON",
    "MARKED_FROM_INSPECTION",
    "MILESTONE_YEAR",
    "MeasureResource",
    "MeasureValueResource",
    "NEW_LEAD",
    "NEW_LEAD_FROM_CAPITALS",
    "NO_INSPECTION",
    "NO_REFERENCE",
    "PlanResource",
    "REVISED_DUE_KEPT",
    "RecommendationResource",
    "RiskResource",
    "SIGNED_OFF",
    "SIGNED_OFF_RAG_KEPT",
    "SIGNED_OFF_STATUS_KEPT",
    "TOTAL_DISAGREES",
    "RESOURCES",
]
