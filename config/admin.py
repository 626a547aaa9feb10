"""The admin site: every ModelAdmin's views refuse an absurd request before they run.

Django's admin answers most bad lookups itself (a redirect with ?e=1); what it does not catch is
checked here once for every registered model, so a new ModelAdmin cannot forget it: an object id
that cannot be a primary key is a 404, a search over the site's bounds is refused with a message
and never reaches the database, and an integer past what the database can store is a bad lookup.
"""

import re
from functools import update_wrapper

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, SEARCH_VAR
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode

from improvement.search import search_error

# Autocomplete widgets search with "term"; changelists with "q".
AUTOCOMPLETE_SEARCH_VAR = "term"
# A user's regular expression is run by the database: an unbalanced one is an error on both
# databases and a nested one can run for minutes on PostgreSQL.
_UNBOUNDED_LOOKUPS = {"regex", "iregex"}
# The admin's own links never list more; thousands cost seconds per changelist query.
ADMIN_MAX_IN_VALUES = 100
# Date parts Python's date() accepts; year 0 or month 13 raise ValueError inside the changelist.
_DATE_PARTS = {"year": (1, 9999), "iso_year": (1, 9999), "month": (1, 12), "day": (1, 31)}
# Past any 64-bit integer column: SQLite raises OverflowError on such a lookup value.
_BIGGEST_ID = 2**63 - 1
_NUMBER = re.compile(r"\d{19,}")


def _pk_is_usable(field: models.Field, value: str) -> bool:
    try:
        python = field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    if isinstance(field, models.IntegerField):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return (low is None or python >= low) and (high is None or python <= high)
    return True


def _ids_are_usable(view, args: tuple, kwargs: dict) -> bool:
    """Django names the object's id object_id; simple_history passes it and its history row's
    id as the two parts of a regex."""
    model_admin = getattr(view, "__self__", None)
    if not isinstance(model_admin, admin.ModelAdmin):
        return True
    object_id = kwargs.get("object_id", args[0] if args else None)
    history_id = kwargs.get("history_id", args[1] if len(args) > 1 else None)
    if object_id is not None:
        unquoted = admin.utils.unquote(object_id)
        if not _pk_is_usable(model_admin.model._meta.pk, unquoted):
            return False
    return history_id is None or (history_id.isdigit() and int(history_id) <= _BIGGEST_ID)


def _without(request, name: str) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _refuse_search(request):
    term = request.GET.get(AUTOCOMPLETE_SEARCH_VAR)
    if term is not None and (error := search_error(term)):
        return JsonResponse({"error": error}, status=400)
    query = request.GET.get(SEARCH_VAR)
    if query is not None and (error := search_error(query)):
        messages.error(request, error)
        return HttpResponseRedirect(_without(request, SEARCH_VAR))
    return None


def _lookup_is_absurd(name: str, value: str) -> bool:
    lookup = name.rsplit(LOOKUP_SEP, 1)[-1]
    if lookup in _UNBOUNDED_LOOKUPS:
        return True
    if lookup == "in" and value.count(",") >= ADMIN_MAX_IN_VALUES:
        return True
    if lookup in _DATE_PARTS:
        low, high = _DATE_PARTS[lookup]
        return not (value.isdigit() and low <= int(value) <= high)
    return any(int(number) > _BIGGEST_ID for number in _NUMBER.findall(value))


def _absurd_lookup(request) -> bool:
    return any(
        _lookup_is_absurd(name, value)
        for name, values in request.GET.lists()
        if name not in (SEARCH_VAR, AUTOCOMPLETE_SEARCH_VAR, ERROR_FLAG, IS_POPUP_VAR)
        for value in values
    )


class TrackerAdminSite(admin.AdminSite):
    site_header = "Improvement Tracker administration"
    site_title = "Improvement Tracker"
    index_title = "Plans, recommendations, risks and boards"

    def login(self, request, extra_context=None):
        """The admin has no sign-in of its own: its page sends to the site's, which asks an
        administrator for their second factor, with next= back to the admin. Its own password
        form would have been a way round that."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
            raise PermissionDenied("Signed in, but not as a member of staff.")
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
            "admin:index", current_app=self.name
        )
        return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': next_url})}")

    def admin_view(self, view, cacheable=False):
        def checked(request, *args, **kwargs):
            if not _ids_are_usable(view, args, kwargs):
                raise Http404
            refused = _refuse_search(request)
            if refused is not None:
                return refused
            # What Django's changelist does with any lookup it cannot run; the export view
            # builds the same changelist but lets the error out.
            if request.method == "GET" and _absurd_lookup(request):
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
            try:
                return view(request, *args, **kwargs)
            except IncorrectLookupParameters:
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")

        return super().admin_view(update_wrapper(checked, view), cacheable)
