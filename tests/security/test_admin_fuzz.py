"""Every admin URL of every registered model answers an absurd request without a 500.

The URLs and the absurd values are generated from admin.site._registry and each model's fields,
so a newly registered ModelAdmin, a new field or a new admin URL is covered without editing this.
"""

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.db import models
from django.urls import URLPattern, reverse

from improvement.search import SEARCH_TOO_LONG, SEARCH_TOO_MANY_WORDS
from tests import factories as f

HUGE = "99999999999999999999"
MANY_WORDS = " ".join(f"needle{n}" for n in range(3_000))
# 405: a POST-only page (the import confirmation) asked with GET.
ANSWERS = {200, 302, 400, 403, 404, 405}
FILTERED_PAGES = ("_changelist", "_export")
BAD_IDS = [HUGE, "abc", "-1", "1.5", "9" * 400, "1\x00", "1\x1b"]


def _registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _patterns(model_admin):
    for pattern in model_admin.urls:
        if isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


# Query strings a curious or hostile user could type, whatever the model.
GENERAL_QUERIES = [
    {"q": MANY_WORDS},
    {"o": "9999"},
    {"o": "abc"},
    {"o": "-0.1.x"},
    {"p": HUGE},
    {"p": "-1"},
    {"id__exact": "abc"},
    {"id__exact": HUGE},
    {"id__in": ",".join(str(n) for n in range(5_000))},
    {"id__in": f"1,{HUGE},abc"},
    {"id__nonsense": "1"},
    {"no_such_field": "1"},
    {"_to_field": "password"},
    {"_to_field": "id", "_popup": "1"},
    {"e": "1"},
    {"e": "1", "id__exact": "abc"},
    {"all": ""},
]


def _absurd_queries(model):
    """The general queries and more shaped by the model's own fields."""
    queries = list(GENERAL_QUERIES)
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False):
            continue
        name = field.name
        queries += [{name: "\x00"}, {f"{name}__isnull": "maybe"}, {f"{name}__regex": "("}]
        if field.is_relation and field.many_to_one:
            queries += [{f"{name}__id__exact": "9" * 23}, {f"{name}__id__in": f"{HUGE},1"}]
        if isinstance(field, models.DateField):
            queries += [
                {f"{name}__gte": "99999-99-99"},
                {f"{name}__year": "0"},
                {f"{name}__year": HUGE},
                {f"{name}__month": "13", f"{name}__year": "2017"},
                {f"{name}__day": "32", f"{name}__month": "1", f"{name}__year": "2017"},
                {f"{name}__lt": "abc"},
            ]
        if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
            queries += [{f"{name}__gte": HUGE}, {f"{name}": "NaN"}]
    return queries


def _cases():
    for model, model_admin in _registered():
        label = model._meta.label
        for pattern in _patterns(model_admin):
            # Django's own URLs name their one part object_id; simple_history's history rows
            # are a regex of two parts: the object's id and the history row's id.
            parts = pattern.pattern.regex.groups
            if parts <= 2:
                yield pytest.param(label, pattern.name, parts, id=f"{label}:{pattern.name}")


def _requests(model, url_name, parts):
    if not parts:
        url = reverse(f"admin:{url_name}")
        queries = _absurd_queries(model)
        # Lookups filter only the lists (and the export, which filters as its list does);
        # the other pages get every lookup's first few, which is enough to show they ignore them.
        if not url_name.endswith(FILTERED_PAGES):
            queries = GENERAL_QUERIES
        return [(url, query) for query in queries]
    # Each absurd id in each place, beside a real-looking one in the other.
    ids = [[bad, *["1"] * (parts - 1)] for bad in BAD_IDS] + [
        ["1", *[bad] * (parts - 1)] for bad in BAD_IDS if parts > 1
    ]
    # reverse() with "0" and the absurd text put in afterwards: reverse() would quote a NUL.
    urls = []
    for args in ids:
        url = reverse(f"admin:{url_name}", args=["0"] * parts)
        urls.append((url.replace("/0/", "/{}/").format(*[quote(a) for a in args]), {}))
    return urls


@pytest.fixture
def rows(db):
    plan = f.PlanFactory()
    action = f.ActionFactory(plan=plan)
    f.ProgressUpdateFactory(action=action, by=f.UserFactory())
    f.MeetingActionFactory(meeting=f.MeetingFactory(), owner=f.LeadFactory())
    return plan


@pytest.mark.parametrize(("label", "url_name", "parts"), list(_cases()))
def test_an_admin_url_answers_absurd_input_without_a_server_error(
    client, admin_user, rows, label, url_name, parts
):
    client.force_login(admin_user)
    model = next(m for m in admin.site._registry if m._meta.label == label)
    answers = [client.get(url, query) for url, query in _requests(model, url_name, parts)]

    assert {answer.status_code for answer in answers} <= ANSWERS


def test_every_registered_model_is_fuzzed():
    fuzzed = {case.values[0] for case in _cases()}

    assert fuzzed == {model._meta.label for model in admin.site._registry}


def test_an_admin_search_of_3000_words_is_refused_and_never_reaches_the_database(
    client, admin_user, rows, django_assert_max_num_queries
):
    client.force_login(admin_user)
    url = reverse("admin:improvement_action_changelist")

    with django_assert_max_num_queries(2) as captured:
        refused = client.get(url, {"q": MANY_WORDS, "status": "in_progress"})
    listing = client.get(refused["Location"])

    assert refused.status_code == 302
    assert refused["Location"] == f"{url}?status=in_progress"
    assert SEARCH_TOO_LONG in listing.text
    assert not any("needle" in query["sql"] for query in captured.captured_queries)


def test_an_admin_search_within_the_bounds_still_finds_rows(client, admin_user, rows):
    client.force_login(admin_user)
    action = rows.actions.get()

    listing = client.get(reverse("admin:improvement_action_changelist"), {"q": action.reference})

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [action]


def test_an_admin_autocomplete_search_of_3000_words_is_refused(client, admin_user, rows):
    client.force_login(admin_user)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": MANY_WORDS,
            "app_label": "improvement",
            "model_name": "action",
            "field_name": "lead",
        },
    )

    assert response.status_code == 400
    assert response.json() == {"error": SEARCH_TOO_LONG}


def test_an_admin_search_of_eleven_words_is_refused_with_the_word_limit(client, admin_user, rows):
    client.force_login(admin_user)
    url = reverse("admin:improvement_action_changelist")

    listing = client.get(url, {"q": " ".join(["audit"] * 11)}, follow=True)

    assert listing.redirect_chain == [(url, 302)]
    assert SEARCH_TOO_MANY_WORDS in listing.text
