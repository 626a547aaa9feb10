from django import forms
from django.utils import timezone

from boards.minutes import MEETING_FIELDS, read_people
from boards.models import Attendance, Decision, Meeting
from improvement.forms import DATE_FORMATS, GovukForm
from improvement.models import DONE_STATUSES, Action, Lead


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


PEOPLE_HINT = 'One person a line, as the minutes write it: "Name, role".'


class MeetingForm(GovukForm):
    held_on = forms.DateField(
        label="Date", input_formats=DATE_FORMATS, help_text="For example, 14/03/2027."
    )
    title = forms.CharField(required=False, max_length=200)
    location = forms.CharField(required=False, max_length=200)
    present = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text=PEOPLE_HINT
    )
    in_attendance = forms.CharField(
        label="In attendance",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=PEOPLE_HINT,
    )
    apologies = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=PEOPLE_HINT
    )
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    minutes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12}))
    next_meeting_text = forms.CharField(
        label="Next meeting", required=False, max_length=100, help_text='For example, "April 2027".'
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, meeting) -> dict:
        people = {
            kind: [f"{row.name}, {row.role}" if row.role else row.name for row in rows]
            for kind, rows in meeting.people().items()
        }
        return {
            **{name: getattr(meeting, name) for name in MEETING_FIELDS},
            "present": "\n".join(people[Attendance.Kind.PRESENT]),
            "in_attendance": "\n".join(people[Attendance.Kind.IN_ATTENDANCE]),
            "apologies": "\n".join(people[Attendance.Kind.APOLOGIES]),
            "version": meeting.version,
        }

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        for kind in ("present", "in_attendance", "apologies"):
            data[kind] = read_people(data[kind])
        return data


class DecisionForm(GovukForm):
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(
        label="What it decides", choices=Decision.Kind.choices, initial=Decision.Kind.NOTED
    )
    action = forms.ModelChoiceField(
        queryset=Action.objects.none(),
        required=False,
        label="Plan action (for a revised due date or a closure)",
        empty_label="No action",
    )
    revised_due_on = forms.DateField(
        label="Revised due date",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 30/06/2027.",
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = (
            Action.objects.filter(plan__in=board.own_plans())
            .exclude(status__in=DONE_STATUSES)
            .select_related("plan")
            .order_by("plan__title", "reference")
        )
        self.fields["action"].label_from_instance = lambda a: f"{a.reference}: {a.text[:80]}"


class MeetingActionForm(GovukForm):
    text = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 3}))
    agenda_item = forms.CharField(label="Agenda item", required=False, max_length=200)
    owner = forms.ModelChoiceField(
        queryset=Lead.objects.none(), required=False, empty_label="Not a lead of the plan"
    )
    owner_text = forms.CharField(
        label="Owner as minuted",
        required=False,
        max_length=200,
        help_text='For example, "Chair and DCS".',
    )
    due_on = forms.DateField(
        label="Due date",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 14/04/2027.",
    )
    due_text = forms.CharField(
        label="Or due",
        required=False,
        max_length=100,
        help_text='When there is no date, such as "next meeting".',
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Lead.objects.for_authority(board.authority).order_by("name")


class CloseMeetingActionForm(GovukForm):
    closing_note = forms.CharField(
        label="How it was dealt with", widget=forms.Textarea(attrs={"rows": 3})
    )
