"""The risk register sheet: found again by reference; the score is computed."""

from django.core.exceptions import ValidationError
from import_export import fields

from improvement.importing.cells import (
    parse_score,
    split_leads,
    text_of,
)
from improvement.importing.resources.base import (
    PlanResource,
)
from improvement.importing.widgets import (
    REQUIRED_VALUE,
    CellWidget,
    ChoiceWidget,
    LeadWidget,
    TextWidget,
)
from improvement.models import (
    Risk,
)
from improvement.ratings import RISK_SCORE_MAX

TOTAL_DISAGREES = "Total {total} is not likelihood × impact ({score}); the score is computed."


def _risk_score() -> CellWidget:
    # The range of Risk's own field validators, read here so a row error names the cell.
    return CellWidget(parse_score)


class RiskResource(PlanResource):
    no = fields.Field("reference", "no", widget=TextWidget(required=True))
    description = fields.Field("description", "description", widget=TextWidget(required=True))
    owner = fields.Field("owner", "owner")
    date_raised_reviewed = fields.Field("review_text", "date_raised_reviewed", widget=TextWidget())
    existing_controls = fields.Field("existing_controls", "existing_controls", widget=TextWidget())
    likelihood = fields.Field("likelihood", "likelihood", widget=_risk_score())
    impact = fields.Field("impact", "impact", widget=_risk_score())
    total = fields.Field("score", "total", readonly=True)
    additional_controls = fields.Field(
        "additional_controls", "additional_controls", widget=TextWidget()
    )
    residual_likelihood = fields.Field(
        "residual_likelihood", "residual_likelihood", widget=_risk_score()
    )
    residual_impact = fields.Field("residual_impact", "residual_impact", widget=_risk_score())
    target_score = fields.Field(
        "target_score",
        "target_score",
        widget=CellWidget(parse_score, high=RISK_SCORE_MAX),
    )
    status = fields.Field(
        "status", "status", widget=ChoiceWidget(Risk.RiskStatus, blank=Risk.RiskStatus.OPEN)
    )

    class Meta(PlanResource.Meta):
        model = Risk
        fields = (
            "no",
            "description",
            "owner",
            "date_raised_reviewed",
            "existing_controls",
            "likelihood",
            "impact",
            "total",
            "additional_controls",
            "residual_likelihood",
            "residual_impact",
            "target_score",
            "status",
        )
        import_id_fields = ("no",)
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["owner"].widget = LeadWidget(self.leads)

    def get_queryset(self):
        return Risk.objects.filter(plan=self.plan).select_related("owner")

    @staticmethod
    def key_of(risk):
        return risk.reference

    @staticmethod
    def row_key(row):
        return text_of(row.get("no"))

    def import_instance(self, instance, row, **kwargs):
        for column in ("likelihood", "impact"):
            if not text_of(row.get(column)):
                raise ValidationError({column: [ValidationError(REQUIRED_VALUE)]})
        super().import_instance(instance, row, **kwargs)

    def check_row(self, instance, row) -> None:
        total = text_of(row.get("total"))
        score = instance.likelihood * instance.impact
        if total and total != str(score):
            self.warn("total", total, TOTAL_DISAGREES.format(total=total, score=score))
        for name in split_leads(row.get("owner"))[:1]:
            self.warn_if_new_lead("owner", name)
