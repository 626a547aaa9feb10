"""Meeting pages: chairs and members read the minutes, decisions and action log; board
secretaries and improvement leads record them. Whoever may not read the board gets the 404 of a
missing meeting; a reader who may not record gets a 403, and nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from boards import minutes
from boards.forms import CloseMeetingActionForm, DecisionForm, MeetingActionForm, MeetingForm
from boards.models import Board, Meeting, MeetingAction

MEETING_SAVED = "The meeting has been saved."
DECISION_SAVED = "Decision %(number)s has been recorded."
ACTION_SAVED = "Action %(number)s has been added to the action log."
ACTION_CLOSED = "Action %(number)s from %(held_on)s is closed."
MINUTES_AGREED = "The minutes of %(held_on)s are recorded as agreed."


def _readable_board(request, pk: int) -> Board:
    board = Board.objects.select_related("authority").filter(pk=pk).first()
    if board is None or not minutes.can_read_board(request.user, board):
        raise Http404
    return board


def _readable_meeting(request, pk: int) -> Meeting:
    meeting = Meeting.objects.select_related("board", "minutes_agreed_at").filter(pk=pk).first()
    if meeting is None or not minutes.can_read_board(request.user, meeting.board):
        raise Http404
    return meeting


def _recordable(request, board: Board) -> None:
    if not minutes.can_record_meetings_of(request.user, board):
        raise PermissionDenied


def _save(form, write, **arguments):
    """Call the service; its refusals become the form's errors. None when refused."""
    try:
        return write(**arguments)
    except ValidationError as refused:
        if hasattr(refused, "error_dict"):
            for field, errors in refused.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, refused.messages)
        return None


@login_required
@require_safe
def meeting_page(request, pk: int):
    meeting = _readable_meeting(request, pk)
    previous = meeting.previous()
    return render(
        request,
        "boards/meeting.html",
        {
            "meeting": meeting,
            "board": meeting.board,
            "people": meeting.people(),
            "decisions": meeting.decisions.select_related("action", "action__plan"),
            "arising": meeting.actions.select_related("owner", "closed_at"),
            "carried_forward": meeting.carried_forward(),
            "previous": previous,
            "can_record": minutes.can_record_meetings_of(request.user, meeting.board),
            "close_form": CloseMeetingActionForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, pk: int):
    board = _readable_board(request, pk)
    _recordable(request, board)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = _save(
            form, minutes.record_meeting, board=board, by=request.user, **form.service_arguments()
        )
        if meeting is not None:
            messages.success(request, MEETING_SAVED)
            return redirect(meeting)
    context = {"board": board, "form": form, "heading": "Record a meeting", "button": "Save"}
    return render(request, "boards/record_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting = _readable_meeting(request, pk)
    _recordable(request, meeting.board)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            minutes.edit_meeting,
            meeting=meeting,
            by=request.user,
            expected_version=form.cleaned_data["version"] or 0,
            **form.service_arguments(),
        )
        if saved is not None:
            messages.success(request, MEETING_SAVED)
            return redirect(saved)
    context = {"board": meeting.board, "meeting": meeting, "form": form, "button": "Save"}
    context["heading"] = f"Edit the meeting of {meeting.held_on:%-d %B %Y}"
    return render(request, "boards/record_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request, pk: int):
    meeting = _readable_meeting(request, pk)
    _recordable(request, meeting.board)
    form = DecisionForm(request.POST or None, board=meeting.board)
    if request.method == "POST" and form.is_valid():
        decision = _save(
            form, minutes.record_decision, meeting=meeting, by=request.user, **form.cleaned_data
        )
        if decision is not None:
            messages.success(request, DECISION_SAVED % {"number": decision.number})
            return redirect(decision.get_absolute_url())
    context = {"meeting": meeting, "board": meeting.board, "form": form}
    context.update(heading="Record a decision", button="Record the decision")
    return render(request, "boards/record_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_action_new(request, pk: int):
    meeting = _readable_meeting(request, pk)
    _recordable(request, meeting.board)
    form = MeetingActionForm(request.POST or None, board=meeting.board)
    if request.method == "POST" and form.is_valid():
        item = _save(
            form,
            minutes.record_meeting_action,
            meeting=meeting,
            by=request.user,
            **form.cleaned_data,
        )
        if item is not None:
            messages.success(request, ACTION_SAVED % {"number": item.number})
            return redirect(meeting)
    context = {"meeting": meeting, "board": meeting.board, "form": form}
    context.update(heading="Add an action arising", button="Add the action")
    return render(request, "boards/record_form.html", context)


@login_required
@require_POST
def meeting_action_close(request, pk: int, item_pk: int):
    meeting = _readable_meeting(request, pk)
    item = (
        MeetingAction.objects.select_related("meeting")
        .filter(pk=item_pk, meeting__board=meeting.board)
        .first()
    )
    if item is None:
        raise Http404
    _recordable(request, meeting.board)
    form = CloseMeetingActionForm(request.POST)
    if form.is_valid():
        closed = _save(
            form,
            minutes.close_meeting_action,
            item=item,
            at_meeting=meeting,
            by=request.user,
            note=form.cleaned_data["closing_note"],
        )
        if closed is not None:
            held_on = f"{item.meeting.held_on:%-d %B %Y}"
            messages.success(request, ACTION_CLOSED % {"number": item.number, "held_on": held_on})
            return redirect(meeting)
    for error in form.errors.values():
        messages.error(request, f"Action {item.number} was not closed: {' '.join(error)}")
    return redirect(meeting)


@login_required
@require_POST
def agree_minutes(request, pk: int):
    meeting = _readable_meeting(request, pk)
    _recordable(request, meeting.board)
    try:
        agreed = minutes.agree_minutes(at_meeting=meeting, by=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, MINUTES_AGREED % {"held_on": f"{agreed.held_on:%-d %B %Y}"})
    return redirect(meeting)
