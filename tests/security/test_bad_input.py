"""Bad input gets a message, never a 500 and never a slow query; a plan, board or pack the user
may not read answers exactly as a missing one."""

import re

import pytest
from django.urls import reverse

from config.middleware import QUERY_HAS_NUL
from improvement.models import PlanRole, Status
from improvement.search import (
    SEARCH_HAS_CONTROL_CHARACTERS,
    SEARCH_MAX_WORDS,
    SEARCH_TOO_LONG,
    SEARCH_TOO_MANY_WORDS,
)
from improvement.views import FIX_FILTERS_TO_DOWNLOAD, FIX_FILTERS_TO_LIST
from tests import factories as f

MANY_WORDS = " ".join(f"needle{n}" for n in range(3_000))
# Signing in, the plan, the filter's choice lists and the session's save (with its two
# savepoints): never one per word.
PLAN_PAGE_QUERIES = 15


@pytest.fixture
def actions(plan, officer_lead):
    return [
        f.ActionFactory(
            plan=plan, reference="SEP16-4", text="Audit 100% of plans", lead=officer_lead
        ),
        f.ActionFactory(
            plan=plan, reference="JAN17-22", text="Audit 1000 plans", lead=officer_lead
        ),
        f.ActionFactory(
            plan=plan, reference="LSCB-1.1", text="Name files plan_v2", lead=officer_lead
        ),
    ]


@pytest.fixture
def as_officer(client, officer, actions):
    client.force_login(officer)
    return client


def _searched(captured) -> bool:
    return any("needle" in query["sql"] for query in captured.captured_queries)


def _listed(response) -> list[str]:
    return [action.reference for action in response.context["actions"]]


def test_a_search_of_3000_words_is_refused_and_never_reaches_the_database(
    as_officer, plan, django_assert_max_num_queries
):
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES) as captured:
        response = as_officer.get(plan.get_absolute_url(), {"q": MANY_WORDS})

    page = response.content.decode()
    assert response.status_code == 200
    assert not _searched(captured)
    assert "There is a problem" in page
    assert SEARCH_TOO_LONG in page
    assert _listed(response) == []
    assert FIX_FILTERS_TO_LIST in page
    assert "Download this list" not in page


def test_more_than_ten_short_words_are_refused_with_the_word_limit(as_officer, plan):
    words = " ".join(["audit"] * (SEARCH_MAX_WORDS + 1))

    response = as_officer.get(plan.get_absolute_url(), {"q": words})

    assert SEARCH_TOO_MANY_WORDS == "Search for at most 10 words."
    assert response.context["filter"].form.errors == {"q": [SEARCH_TOO_MANY_WORDS]}
    assert 'id="id_q-error"' in response.content.decode()
    assert _listed(response) == []


def test_ten_words_are_searched(as_officer, plan):
    words = " ".join(["audit"] * SEARCH_MAX_WORDS)

    response = as_officer.get(plan.get_absolute_url(), {"q": words})

    assert not response.context["filter"].form.errors
    assert _listed(response) == ["SEP16-4", "JAN17-22"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [("100%", ["SEP16-4"]), ("%", ["SEP16-4"]), ("_", ["LSCB-1.1"]), ("plan_", ["LSCB-1.1"])],
)
def test_percent_and_underscore_are_matched_as_literal_text(as_officer, plan, search, expected):
    response = as_officer.get(plan.get_absolute_url(), {"q": search})

    assert _listed(response) == expected


def test_a_control_character_in_the_search_is_refused_with_a_message(as_officer, plan):
    response = as_officer.get(plan.get_absolute_url(), {"q": "audit\x1bplans"})

    assert response.context["filter"].form.errors == {"q": [SEARCH_HAS_CONTROL_CHARACTERS]}
    assert _listed(response) == []


def test_downloading_a_refused_search_answers_with_the_message_not_a_file(
    as_officer, plan, django_assert_max_num_queries
):
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES) as captured:
        response = as_officer.get(f"/plans/{plan.slug}/actions.xlsx", {"q": MANY_WORDS})

    page = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert SEARCH_TOO_LONG in page
    assert FIX_FILTERS_TO_DOWNLOAD in page
    assert not _searched(captured)


def test_a_nul_byte_in_any_query_string_is_a_bad_request(as_officer, plan):
    for url in (plan.get_absolute_url(), f"/plans/{plan.slug}/actions.xlsx", "/accounts/login/"):
        response = as_officer.get(f"{url}?q=audit%00")

        assert response.status_code == 400
        assert "could not handle that request" in response.content.decode()
    assert QUERY_HAS_NUL


@pytest.mark.parametrize(
    "path",
    [
        "/plans/anytown/actions/SEP16-4%00/",
        "/plans/anytown/actions/SEP16-4%00/update/",
        "/plans/anytown%00/",
        "/plans/anytown/recommendations/SB1%01/",
        "/admin/%00/",
        "/admin/improvement/action/1%00/change/",
        "/static/css/tracker.css%00",
        "/accounts/login/%7F",
    ],
)
def test_a_control_character_in_the_path_is_not_found(as_officer, path):
    assert as_officer.get(path).status_code == 404


@pytest.mark.parametrize(
    "reference", ["SEP16 4", "SEP16-4'", "<b>", "-1", "." + "1" * 10, "A" * 31, "SEP16-4;drop"]
)
def test_a_malformed_reference_is_not_found_before_any_query(
    as_officer, plan, reference, django_assert_max_num_queries
):
    # Signing in, saving the session and the 404 pages' menus: no query looks for a plan, action
    # or recommendation.
    with django_assert_max_num_queries(14) as captured:
        action = as_officer.get(f"/plans/{plan.slug}/actions/{reference}/")
        recommendation = as_officer.get(f"/plans/{plan.slug}/recommendations/{reference}/")

    assert (action.status_code, recommendation.status_code) == (404, 404)
    assert not any('"reference"' in query["sql"] for query in captured.captured_queries)


@pytest.mark.parametrize("reference", ["SEP16-4", "JAN17-22", "LSCB-1.1"])
def test_real_action_references_reach_their_page(as_officer, plan, reference):
    assert as_officer.get(f"/plans/{plan.slug}/actions/{reference}/").status_code == 200


@pytest.mark.parametrize("reference", ["1", "19", "SB1"])
def test_real_recommendation_references_reach_their_page(as_officer, plan, reference):
    plan.inspections.add(f.RecommendationFactory(reference=reference).inspection)
    response = as_officer.get(f"/plans/{plan.slug}/recommendations/{reference}/")

    assert response.status_code == 200


# Hidden and missing --------------------------------------------------------------------------

MISSING_PK = 999_999


@pytest.fixture
def elsewhere(db):
    """Another council's plan, its action, recommendation, board and issued pack."""
    plan = f.PlanFactory(slug="elsewhere", title="Elsewhere improvement plan")
    f.ActionFactory(plan=plan, reference="SEP16-4")
    plan.inspections.add(f.RecommendationFactory(reference="1").inspection)
    board = f.BoardFactory()
    board.plans.add(plan)
    pack = f.PackFactory(plan=plan, board=board)
    return plan, board, pack


PLAN_URLS = [
    "/plans/{slug}/",
    "/plans/{slug}/actions.xlsx",
    "/plans/{slug}/workbook.xlsx",
    "/plans/{slug}/recommendations/1/",
    "/plans/{slug}/actions/SEP16-4/",
    "/plans/{slug}/actions/SEP16-4/update/",
    "/plans/{slug}/actions/SEP16-4/sign-off/",
]
BOARD_URLS = [
    ("boards:board", "board"),
    ("boards:issue", "board+plan"),
    ("boards:draft", "board+plan"),
    ("boards:pack", "pack"),
    ("boards:download", "pack"),
    ("boards:preview", "pack"),
]
# The CSRF token in the sign-out form is masked afresh on every page, so it cannot be equal.
_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _answer(client, url):
    response = client.get(url)
    return response.status_code, _CSRF.sub(b"", response.content), dict(response.headers)


def _board_url(name, shape, board_pk, slug, pack_pk):
    kwargs = {"pack": {"pk": pack_pk}, "board": {"pk": board_pk}}.get(shape)
    return reverse(name, kwargs=kwargs or {"pk": board_pk, "slug": slug})


@pytest.mark.parametrize("persona", ["officer", "chair", "improvement_lead"])
@pytest.mark.parametrize("url", PLAN_URLS)
def test_another_councils_plan_answers_exactly_as_a_missing_one(
    client, request, actions, elsewhere, persona, url
):
    client.force_login(request.getfixturevalue(persona))
    client.get("/")  # the CSRF cookie is set once, before both answers

    hidden = _answer(client, url.format(slug="elsewhere"))
    missing = _answer(client, url.format(slug="nowhere"))

    assert hidden[0] == 404
    assert hidden == missing


@pytest.mark.parametrize("persona", ["officer", "chair", "improvement_lead"])
@pytest.mark.parametrize(("name", "shape"), BOARD_URLS)
def test_another_councils_board_and_pack_answer_exactly_as_missing_ones(
    client, request, plan, elsewhere, persona, name, shape
):
    other_plan, board, pack = elsewhere
    client.force_login(request.getfixturevalue(persona))
    client.get("/")

    hidden = _answer(client, _board_url(name, shape, board.pk, other_plan.slug, pack.pk))
    missing = _answer(client, _board_url(name, shape, MISSING_PK, "nowhere", MISSING_PK))

    assert hidden[0] == 404
    assert hidden == missing


def test_an_officer_of_the_plan_may_not_sign_off_and_is_told_so(as_officer, plan):
    response = as_officer.get(f"/plans/{plan.slug}/actions/SEP16-4/sign-off/")

    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()


def test_a_chair_of_the_plan_may_not_update_or_issue_and_is_told_so(client, plan, chair, actions):
    board = f.BoardFactory()
    board.plans.add(plan)
    client.force_login(chair)

    update = client.get(f"/plans/{plan.slug}/actions/SEP16-4/update/")
    issue = client.get(reverse("boards:issue", kwargs={"pk": board.pk, "slug": plan.slug}))

    assert (update.status_code, issue.status_code) == (403, 403)


def test_an_officer_who_cannot_read_the_board_gets_not_found_not_forbidden(
    as_officer, plan, actions
):
    board = f.BoardFactory()
    board.plans.add(plan)
    pack = f.PackFactory(plan=plan, board=board)

    for url in (
        reverse("boards:board", kwargs={"pk": board.pk}),
        reverse("boards:issue", kwargs={"pk": board.pk, "slug": plan.slug}),
        reverse("boards:pack", kwargs={"pk": pack.pk}),
    ):
        assert as_officer.get(url).status_code == 404
    assert actions[0].status == Status.NOT_STARTED
    assert not PlanRole.objects.filter(plan=plan, user__username="officer").exists()
