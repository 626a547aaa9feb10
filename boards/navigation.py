"""The plans and boards a signed-in user can reach, for the menu on every page.

A chair or board member leads no actions, so without this their home page would lead nowhere.
"""

from django.utils.functional import SimpleLazyObject

from boards.models import Board
from improvement.permissions import plans_visible_to


def _menu(user) -> dict:
    plans = list(plans_visible_to(user).order_by("title").only("title", "slug"))
    boards = list(Board.objects.readable_by(user).order_by("name").only("name"))
    return {"plans": plans, "boards": boards}


def menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu": SimpleLazyObject(lambda: _menu(user))}
