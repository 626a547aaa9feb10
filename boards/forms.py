from django import forms
from django.utils import timezone

from boards.models import Meeting


class IssuePackForm(forms.Form):
    as_at = forms.DateField(
        label="As at",
        help_text=(
            "The pack shows the plan as it stood at the end of this day. For example, 31/01/2018."
        ),
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        label="Meeting (optional)",
        empty_label="No meeting",
    )
    before_history_confirmed = forms.BooleanField(
        required=False,
        label="Issue it even though it is dated before the plan's recorded history begins",
        help_text=(
            "Only needed for a date before the history begins: such a pack's figures are empty "
            "or incomplete, and its cover says so."
        ),
    )
    reason = forms.CharField(
        required=False,
        label="Reason for a corrected version",
        help_text="Only needed when a pack as at this date has already been issued.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, board, history_begins_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        if history_begins_on is not None:
            self.fields[
                "as_at"
            ].help_text += f" The plan's recorded history begins on {history_begins_on:%-d %B %Y}."
        self.fields["meeting"].queryset = board.meetings.order_by("-held_on")
        self.fields["as_at"].initial = timezone.localdate()


class PreviewForm(forms.Form):
    as_at = forms.DateField(label="As at")
