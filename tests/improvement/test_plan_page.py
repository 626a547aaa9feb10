"""The plan page: themes, objectives and actions, filtered, counted by RAG and paged."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.filters import ALL_ACTIONS
from improvement.importing.export import XLSX_CONTENT_TYPE
from improvement.models import Rag, Status
from improvement.views import PLAN_PAGE_SIZE
from tests.factories import (
    ActionFactory,
    LeadFactory,
    ObjectiveFactory,
    PeriodFactory,
    RecommendationFactory,
    ThemeFactory,
)
from tests.improvement.conftest import TODAY, bulk_actions
from tests.improvement.workbooks import read_xlsx


@pytest.fixture
def as_chair(client, chair):
    client.force_login(chair)
    return client


@pytest.fixture
def wirral_like(plan):
    """Two themes, two periods, a recommendation, a key action: enough for every filter."""
    people = ThemeFactory(plan=plan, name="People", order=1)
    practice = ThemeFactory(plan=plan, name="Practice", order=2)
    autumn = PeriodFactory(plan=plan, name="September - December 2016", code="SEP16")
    winter = PeriodFactory(plan=plan, name="January - March 2017", code="JAN17")
    hr = LeadFactory(name="Head of HR")
    safeguarding = LeadFactory(name="Head of Safeguarding Practice")
    rec = RecommendationFactory(reference="7", text="Ensure that plans are outcome-focused.")
    plan.inspections.add(rec.inspection)
    recruit = ObjectiveFactory(plan=plan, theme=people, title="Stable workforce", order=1)
    audits = ObjectiveFactory(plan=plan, theme=practice, title="Better plans", order=2)
    days = datetime.timedelta
    actions = {
        "SEP16-1": dict(
            theme=people,
            objective=recruit,
            period=autumn,
            lead=hr,
            due_on=TODAY - days(10),
            text="Recruit permanent social workers",
            progress_rag=Rag.GREEN,
            status=Status.IN_PROGRESS,
        ),
        "SEP16-2": dict(
            theme=people,
            objective=recruit,
            period=autumn,
            lead=hr,
            due_on=TODAY + days(60),
            text="Launch a market supplement",
            progress_rag=Rag.AMBER,
            is_key_action=True,
        ),
        "JAN17-12": dict(
            theme=practice,
            objective=audits,
            period=winter,
            lead=safeguarding,
            due_on=TODAY + days(20),
            text="Audit child protection plans",
            progress_rag=Rag.RED,
            status=Status.COMPLETE,
        ),
    }
    made = {
        ref: ActionFactory(plan=plan, reference=ref, **fields) for ref, fields in actions.items()
    }
    made["JAN17-12"].recommendations.add(rec)
    return {"people": people, "winter": winter, "hr": hr, "rec": rec, **made}


def _refs(response):
    return [a.reference for a in response.context["actions"]]


def test_the_plan_reads_theme_then_objective_then_action(as_chair, plan, wirral_like):
    page = as_chair.get(plan.get_absolute_url()).content.decode()

    results = page[page.index("Clear filters") :]
    order = [
        results.index(text)
        for text in (
            '<h2 class="govuk-heading-m">People</h2>',
            "Stable workforce</caption>",
            ">SEP16-1</a>",
            ">SEP16-2</a>",
            '<h2 class="govuk-heading-m">Practice</h2>',
            "Better plans</caption>",
            ">JAN17-12</a>",
        )
    ]
    assert order == sorted(order)
    assert "10 days overdue" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "recruit"}, ["SEP16-1"]),
        ({"q": "jan17-12"}, ["JAN17-12"]),
        ({"theme": "people"}, ["SEP16-1", "SEP16-2"]),
        ({"period": "winter"}, ["JAN17-12"]),
        ({"lead": "hr"}, ["SEP16-1", "SEP16-2"]),
        ({"progress_rag": Rag.AMBER}, ["SEP16-2"]),
        # the RAG shown (derived) and the RAG reported select different actions
        ({"rag": Rag.RED}, ["SEP16-1"]),
        ({"progress_rag": Rag.RED}, ["JAN17-12"]),
        ({"rag": Rag.GREEN}, ["JAN17-12"]),
        ({"progress_rag": Rag.GREEN}, ["SEP16-1"]),
        ({"rag": Rag.RED, "theme": "people"}, ["SEP16-1"]),
        ({"rag": Rag.GREEN, "theme": "people"}, []),
        ({"status": Status.COMPLETE}, ["JAN17-12"]),
        ({"recommendation": "rec"}, ["JAN17-12"]),
        ({"overdue": "on"}, ["SEP16-1"]),
        ({"key_action": "on"}, ["SEP16-2"]),
        ({"due_before": "01/03/2017"}, ["SEP16-1"]),
        ({"due_after": "01/03/2017"}, ["SEP16-2", "JAN17-12"]),
        ({"due_after": "01/02/2017", "due_before": "31/03/2017"}, ["SEP16-1", "JAN17-12"]),
    ],
)
def test_each_filter_narrows_the_list(as_chair, plan, wirral_like, query, expected):
    params = {
        key: wirral_like[value].pk if value in wirral_like and key != "q" else value
        for key, value in query.items()
    }

    response = as_chair.get(plan.get_absolute_url(), params)

    assert _refs(response) == expected


def test_counts_per_rag_are_of_the_derived_rag_and_follow_the_filter(as_chair, plan, wirral_like):
    everything = as_chair.get(plan.get_absolute_url()).context["rag_counts"]
    people = as_chair.get(plan.get_absolute_url(), {"theme": wirral_like["people"].pk})

    # SEP16-1 reported green but is overdue (red); JAN17-12 reported red but is complete (green).
    assert (everything[Rag.RED], everything[Rag.AMBER], everything[Rag.GREEN]) == (1, 1, 1)
    counts = people.context["rag_counts"]
    assert (counts[Rag.RED], counts[Rag.AMBER], counts[Rag.GREEN]) == (1, 1, 0)


def test_a_bad_date_filter_is_shown_as_an_error(as_chair, plan, wirral_like):
    response = as_chair.get(plan.get_absolute_url(), {"due_before": "31/02/2017"})

    assert "There is a problem" in response.content.decode()
    assert "id_due_before-error" in response.content.decode()


def test_the_plan_is_paged_fifty_at_a_time_and_keeps_the_filter(as_chair, plan, officer_lead):
    bulk_actions(plan=plan, lead=officer_lead, count=120)

    first = as_chair.get(plan.get_absolute_url(), {"q": "bulk"})
    third = as_chair.get(plan.get_absolute_url(), {"q": "bulk", "page": 3})

    assert len(first.context["actions"]) == PLAN_PAGE_SIZE
    assert len(third.context["actions"]) == 20
    assert 'href="?q=bulk&amp;page=2"' in first.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_plan_page_costs_the_same_queries_at_5_and_500_actions(
    as_chair, plan, officer_lead, theme, objective
):
    rec = RecommendationFactory()
    plan.inspections.add(rec.inspection)
    actions = bulk_actions(plan=plan, lead=officer_lead, count=5, theme=theme, objective=objective)
    for action in actions:
        action.recommendations.add(rec)
    as_chair.get("/")  # the session's idle clock, written on the first request only
    few = _queries(as_chair, plan.get_absolute_url())

    more = bulk_actions(
        plan=plan, lead=officer_lead, count=495, start=5, theme=theme, objective=objective
    )
    for action in more[:60]:
        action.recommendations.add(rec)
    many = _queries(as_chair, plan.get_absolute_url())

    assert few == many


def test_filtering_by_the_derived_rag_costs_the_same_queries_at_5_and_500_actions(
    as_chair, plan, officer_lead, theme, objective
):
    url = f"{plan.get_absolute_url()}?rag={Rag.RED}"
    bulk_actions(plan=plan, lead=officer_lead, count=5, theme=theme, objective=objective)
    as_chair.get("/")  # the session's idle clock, written on the first request only
    few = _queries(as_chair, url)

    bulk_actions(plan=plan, lead=officer_lead, count=495, start=5, theme=theme, objective=objective)
    many = _queries(as_chair, url)

    assert few == many


def test_download_this_list_gives_the_filtered_actions_as_a_report(as_chair, plan, wirral_like):
    page = as_chair.get(plan.get_absolute_url(), {"theme": wirral_like["people"].pk})
    link = f"/plans/{plan.slug}/actions.xlsx?theme={wirral_like['people'].pk}"
    assert f'href="{link}"' in page.content.decode()

    response = as_chair.get(link)

    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith(f'attachment; filename="{plan.slug}-actions-')
    title, applied, _downloaded, header, *rows = read_xlsx(response.content)["Actions"]
    assert applied[0] == "Filtered: Theme is People"
    assert header[0] == "Reference"
    assert [row[0] for row in rows] == ["SEP16-1", "SEP16-2"]


def test_download_without_filters_gives_every_action(as_chair, plan, wirral_like):
    response = as_chair.get(f"/plans/{plan.slug}/actions.xlsx")

    _title, applied, _downloaded, _header, *rows = read_xlsx(response.content)["Actions"]
    assert applied[0] == ALL_ACTIONS
    assert len(rows) == 3


def test_someone_who_cannot_read_the_plan_cannot_download_it(client, plan, other_officer):
    client.force_login(other_officer)

    assert client.get(f"/plans/{plan.slug}/actions.xlsx").status_code == 404
