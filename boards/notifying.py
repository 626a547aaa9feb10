"""Who hears of a board's events, and in what words: tasks run by the worker once the write has
committed. Kept apart from boards/tasks.py, which boards/services.py cannot import at load time.

Only people the board's own council's rules let in are told: a pack's readers, a meeting
action's owner through a lead of the board's council.
"""

from django.urls import reverse
from django_tasks import task

from boards.models import Board, MeetingAction, Pack
from improvement.models import PlanRole
from improvement.permissions import can_read_packs
from notices.models import Kind
from notices.services import News, notify

PACK_ISSUED = "Board pack issued: %(plan)s, as at %(as_at)s"
PACK_ISSUED_TEXT = (
    "The %(board)s board pack for %(plan)s as at %(as_at)s (version %(version)s) is issued. "
    "Open it in the tracker to read or download it."
)
MEETING_ACTION = "A board action for you: %(board)s, %(held_on)s"
MEETING_ACTION_TEXT = (
    "The %(board)s meeting of %(held_on)s gave %(owner)s action %(number)s: %(text)s\nDue: %(due)s."
)


def _day(date) -> str:
    return f"{date:%-d %B %Y}"


BOARD_ROLES = (
    PlanRole.Role.BOARD_CHAIR,
    PlanRole.Role.BOARD_MEMBER,
    PlanRole.Role.BOARD_SECRETARY,
)


def pack_readers(pack: Pack) -> list:
    """The board's chair and members, and whoever holds a board role in the plan (as an
    invitation gives it), once each, if they may read the pack."""
    board = pack.board
    people = [board.chair] if board.chair_id else []
    people += list(board.members.filter(is_active=True))
    people += [
        role.user
        for role in PlanRole.objects.filter(plan=pack.plan, role__in=BOARD_ROLES)
        .select_related("user")
        .order_by("user_id")
    ]
    unique = list({user.pk: user for user in people}.values())
    return [user for user in unique if user.is_active and can_read_packs(user, pack.plan)]


def pack_issued(pack_id: int) -> list:
    pack = Pack.objects.select_related("plan", "board__chair").get(pk=pack_id)
    if pack.status != Pack.PackStatus.ISSUED:
        return []
    words = {
        "board": pack.board.name,
        "plan": pack.plan.title,
        "as_at": _day(pack.as_at),
        "version": pack.version,
    }
    news = News(
        kind=Kind.PACK_ISSUED,
        about=f"pack:{pack.pk}",
        subject=PACK_ISSUED % words,
        text=PACK_ISSUED_TEXT % words,
        link=pack.get_absolute_url(),
        authority_id=pack.board.authority_id,
    )
    return notify(users=pack_readers(pack), news=news)


def meeting_action_assigned(item_id: int) -> list:
    """The users of the action's owner (a lead of the board's council) hear of it, with its
    words in full: an officer who cannot read the board's pages still learns what is asked."""
    item = MeetingAction.objects.select_related("meeting__board", "owner").get(pk=item_id)
    owner, board = item.owner, item.meeting.board
    if owner is None or owner.authority_id != board.authority_id:
        return []
    words = {
        "board": board.name,
        "held_on": _day(item.meeting.held_on),
        "owner": owner.name,
        "number": item.number,
        "text": item.text,
        "due": _day(item.due_on) if item.due_on else item.due_text,
    }
    told = []
    for user in owner.users.filter(is_active=True):
        readable = Board.objects.readable_by(user).filter(pk=board.pk).exists()
        news = News(
            kind=Kind.MEETING_ACTION,
            about=f"meeting_action:{item.pk}",
            subject=MEETING_ACTION % words,
            text=MEETING_ACTION_TEXT % words,
            link=item.meeting.get_absolute_url() if readable else reverse("improvement:my_actions"),
            authority_id=board.authority_id,
        )
        told += notify(users=[user], news=news)
    return told


@task()
def tell_pack_issued(pack_id: int) -> int:
    return len(pack_issued(pack_id))


@task()
def tell_meeting_action_assigned(item_id: int) -> int:
    return len(meeting_action_assigned(item_id))
