from django import forms

from notices.models import Kind


class EmailChoicesForm(forms.Form):
    """One box per kind: ticked, it also comes by e-mail; every kind is listed on the site."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label,
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
            )

    def choices(self) -> dict[str, bool]:
        return {kind: self.cleaned_data[kind] for kind in Kind.values}
