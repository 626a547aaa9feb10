"""The measures sheets: a measure by its name, a value by measure and period."""

import datetime

from django.core.exceptions import ValidationError
from import_export import fields

from improvement.importing.cells import (
    CellError,
    parse_uk_date,
    text_of,
)
from improvement.importing.resources.base import (
    PlanResource,
)
from improvement.importing.widgets import (
    REQUIRED_VALUE,
    CellWidget,
    ChoiceWidget,
    DecimalWidget,
    MeasureWidget,
    RecommendationListWidget,
    TextWidget,
    ThemeListWidget,
)
from improvement.models import (
    Measure,
    MeasureValue,
)


class MeasureResource(PlanResource):
    measure = fields.Field("name", "measure", widget=TextWidget(required=True))
    unit = fields.Field("unit", "unit", widget=TextWidget())
    direction = fields.Field(
        "direction",
        "direction",
        widget=ChoiceWidget(
            Measure.Direction,
            extra={"higher": Measure.Direction.HIGHER, "lower": Measure.Direction.LOWER},
            blank=Measure.Direction.HIGHER,
        ),
    )
    target = fields.Field("target", "target", widget=DecimalWidget())
    theme = fields.Field("themes", "theme")
    recs = fields.Field("recommendations", "recs")

    class Meta(PlanResource.Meta):
        model = Measure
        fields = ("measure", "unit", "direction", "target", "theme", "recs")
        import_id_fields = ("measure",)
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["theme"].widget = ThemeListWidget(self)
        self.fields["recs"].widget = RecommendationListWidget(self)

    def get_queryset(self):
        return Measure.objects.filter(plan=self.plan).prefetch_related("themes", "recommendations")

    @staticmethod
    def key_of(measure):
        return measure.name.casefold()

    @staticmethod
    def row_key(row):
        return text_of(row.get("measure")).casefold()


def _period_ending(value) -> datetime.date:
    day = parse_uk_date(value)
    if day is None:
        raise CellError(REQUIRED_VALUE)
    return day


class MeasureValueResource(PlanResource):
    measure = fields.Field("measure", "measure")
    period_ending = fields.Field(
        "period_ending",
        "period_ending",
        widget=CellWidget(_period_ending, render=lambda d: d.strftime("%d/%m/%Y")),
    )
    label = fields.Field("label", "label", widget=TextWidget())
    value = fields.Field("value", "value", widget=DecimalWidget())
    note = fields.Field("note", "note", widget=TextWidget())

    class Meta(PlanResource.Meta):
        model = MeasureValue
        fields = ("measure", "period_ending", "label", "value", "note")
        import_id_fields = ("measure", "period_ending")
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["measure"].widget = MeasureWidget(self)

    def get_queryset(self):
        return MeasureValue.objects.filter(measure__plan=self.plan).select_related("measure")

    def init_instance(self, row=None):
        return MeasureValue()

    def measures(self) -> dict[str, Measure]:
        if not hasattr(self, "_measures"):
            self._measures = {m.name.casefold(): m for m in self.plan.measures.all()}
        return self._measures

    @staticmethod
    def key_of(value):
        return (value.measure.name.casefold(), value.period_ending)

    @staticmethod
    def row_key(row):
        try:
            return (text_of(row.get("measure")).casefold(), parse_uk_date(row.get("period_ending")))
        except CellError:
            return None

    def import_instance(self, instance, row, **kwargs):
        if not text_of(row.get("value")):
            raise ValidationError({"value": [ValidationError(REQUIRED_VALUE)]})
        super().import_instance(instance, row, **kwargs)
