"""The recommendations sheet: found again by inspection and reference."""

from import_export import fields

from improvement.importing.cells import (
    text_of,
)
from improvement.importing.resources.base import (
    PlanResource,
)
from improvement.importing.widgets import (
    ChoiceWidget,
    InspectionWidget,
    TextWidget,
)
from inspections.models import Body, Inspection, Recommendation

NO_INSPECTION = (
    "Name the inspection in an inspection column: this plan has {count} inspections linked."
)


class RecommendationResource(PlanResource):
    ref = fields.Field("reference", "ref", widget=TextWidget(required=True))
    body = fields.Field(
        "body",
        "body",
        widget=ChoiceWidget(
            Body,
            extra={"lscb": Body.SAFEGUARDING, "la": Body.LOCAL_AUTHORITY},
            blank=Body.LOCAL_AUTHORITY,
        ),
    )
    text = fields.Field("text", "text", widget=TextWidget(required=True))
    inspection_title = fields.Field("inspection", "inspection")
    timescale = fields.Field(
        "timescale", "timescale", widget=ChoiceWidget(Recommendation.Timescale, blank="")
    )

    class Meta(PlanResource.Meta):
        model = Recommendation
        fields = ("ref", "body", "text", "inspection_title", "timescale")
        import_id_fields = ("ref",)
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["inspection_title"].widget = InspectionWidget(self)
        self._inspections = {}

    def get_queryset(self):
        return (
            Recommendation.objects.for_authority(self.plan.authority_id)
            .filter(inspection__plans=self.plan)
            .select_related("inspection")
        )

    def init_instance(self, row=None):
        return Recommendation()

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        row.setdefault("inspection", "")  # no column: the plan's only inspection

    @staticmethod
    def key_of(rec):
        return (rec.inspection.title.casefold(), rec.reference.upper())

    def row_key(self, row):
        inspection = self.inspection(text_of(row.get("inspection")), strict=False)
        title = inspection.title.casefold() if inspection else ""
        return (title, text_of(row.get("ref")).upper())

    def get_instance(self, instance_loader, row):
        found = instance_loader.get_instance(row)
        if found is None and (inspection := self.inspection(text_of(row.get("inspection")), False)):
            # The inspection may be shared with another plan and already hold this reference.
            found = Recommendation.objects.filter(
                inspection=inspection, reference__iexact=text_of(row.get("ref"))
            ).first()
        return found

    def inspection(self, title: str, strict: bool = True) -> Inspection | None:
        if title.casefold() in self._inspections:
            return self._inspections[title.casefold()]
        if title:
            # Another council's inspection of the same title is never matched: it is theirs.
            own = Inspection.objects.for_authority(self.plan.authority_id)
            found = own.filter(title__iexact=title).first()
            found = found or Inspection.objects.create(title=title, authority=self.plan.authority)
            self.plan.inspections.add(found)
        else:
            linked = list(self.plan.inspections.for_authority(self.plan.authority_id)[:2])
            if len(linked) != 1:
                if strict:
                    raise ValueError(NO_INSPECTION.format(count=len(linked)))
                return None
            found = linked[0]
        self._inspections[title.casefold()] = found
        return found
