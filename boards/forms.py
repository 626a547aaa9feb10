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
    reason = forms.CharField(
        required=False,
        label="Reason for a corrected version",
        help_text="Only needed when a pack as at this date has already been issued.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = board.meetings.order_by("-held_on")
        self.fields["as_at"].initial = timezone.localdate()


class PreviewForm(forms.Form):
    as_at = forms.DateField(label="As at")
