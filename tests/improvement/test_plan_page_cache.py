"""The plan page is drawn once per plan and kept: every write to what it shows is seen at once.

A chair reads the plan while officers and the improvement lead change it; whatever changed, by
whichever path (the update page, the admin's models, the importer's links, the clock passing
midnight), the chair's next reading shows it, and a reading that nothing changed costs no more
than the plan's stamp.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement import clock, plan_cache
from improvement.models import Action, Rag, Status
from tests.factories import (
    ActionFactory,
    PeriodFactory,
    RecommendationFactory,
    UserFactory,
)
from tests.improvement.conftest import TODAY


@pytest.fixture
def as_chair(client, chair):
    client.force_login(chair)
    return client


@pytest.fixture
def action(plan, officer_lead, theme, objective):
    return ActionFactory(
        plan=plan,
        reference="JAN17-5",
        text="Audit every child protection plan",
        lead=officer_lead,
        theme=theme,
        objective=objective,
        due_on=TODAY + datetime.timedelta(days=1),
        status=Status.IN_PROGRESS,
        progress_rag=Rag.GREEN,
    )


def _read(client, plan, query: str = "") -> str:
    response = client.get(plan.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def _count_of(page: str, rag: str) -> int:
    shown = re.search(
        rf'tracker-rag--{rag}">[^<]+</strong>\s*<span class="tracker-rag-count">(\d+)</span>', page
    )
    return int(shown.group(1))


def _without_tokens(page: str) -> str:
    """The page less what differs on every response: the CSRF token and the scripts' nonce."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'nonce="[^"]+"', "", page)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_second_reading_skips_the_lists_queries_and_shows_the_same_page(as_chair, plan, action):
    url = plan.get_absolute_url()
    first = _queries(as_chair, url)
    again = _queries(as_chair, url)

    # The count, the RAG counts, the rows, their recommendations and the filter's four lists.
    assert again <= first - 7
    assert _without_tokens(_read(as_chair, plan)) == _without_tokens(_read(as_chair, plan))


def test_an_officers_update_on_the_site_shows_on_the_chairs_next_reading(
    client, as_chair, plan, action, officer
):
    assert _count_of(_read(as_chair, plan), "green") == 1

    client.force_login(officer)
    saved = client.post(
        f"{action.get_absolute_url()}update/",
        {
            "version": action.version,
            "progress_rag": Rag.RED,
            "status": Status.IN_PROGRESS,
            "commentary": "Audits paused: two managers left.",
        },
    )
    assert saved.status_code == 302

    client.force_login(plan.roles.get(role="board_chair").user)
    page = _read(client, plan)
    assert _count_of(page, "red") == 1
    assert _count_of(page, "green") == 0


def test_renaming_a_lead_theme_objective_or_period_shows_at_once(as_chair, plan, action):
    PeriodFactory(plan=plan, name="September - December 2016", code="SEP16")
    _read(as_chair, plan)

    action.lead.name = "Director of Children's Services"
    action.lead.save()
    action.theme.name = "Workforce"
    action.theme.save()
    action.objective.title = "Every child has a stable social worker"
    action.objective.save()
    period = plan.periods.get()
    period.name = "Autumn 2016"
    period.save()

    page = _read(as_chair, plan)
    for shown in (
        "Director of Children&#x27;s Services",
        "Workforce",
        "Every child has a stable social worker",
        "Autumn 2016",
    ):
        assert shown in page


def test_linking_a_recommendation_and_adding_an_action_show_at_once(as_chair, plan, action):
    recommendation = RecommendationFactory(reference="7")
    _read(as_chair, plan)

    plan.inspections.add(recommendation.inspection)
    assert f'<option value="{recommendation.pk}">' in _read(as_chair, plan)
    action.recommendations.add(recommendation)
    assert "Recommendation 7" in _read(as_chair, plan)

    ActionFactory(plan=plan, reference="JAN17-6", text="Recruit two team managers")
    page = _read(as_chair, plan)
    assert "Recruit two team managers" in page
    assert "RAG of the 2 actions listed" in page


def test_an_action_falls_overdue_on_the_chairs_reading_the_day_after_it_was_due(
    as_chair, plan, action
):
    assert _count_of(_read(as_chair, plan), "red") == 0

    with clock.pinned(TODAY + datetime.timedelta(days=2)):
        assert _count_of(_read(as_chair, plan), "red") == 1


def test_the_rule_of_the_plan_changing_changes_the_stamp(plan, action):
    before = plan_cache.stamp(plan)
    plan.rag_rule = "criteria"
    assert plan_cache.stamp(plan) != before


def test_a_write_moves_the_stamp_of_its_own_plan_only(plan, action, foreign_action):
    foreign_plan = foreign_action.plan
    mine, theirs = plan_cache.stamp(plan), plan_cache.stamp(foreign_plan)

    Action.objects.get(pk=action.pk).save()

    assert plan_cache.stamp(plan) != mine
    assert plan_cache.stamp(foreign_plan) == theirs

    mine = plan_cache.stamp(plan)
    foreign_action.lead.name = "Head of Safeguarding, Otherton"
    foreign_action.lead.save()
    assert plan_cache.stamp(plan) == mine
    assert plan_cache.stamp(foreign_plan) != theirs


def test_what_is_kept_is_the_same_for_every_reader_and_holds_no_ones_token(
    client, plan, action, chair
):
    member = UserFactory(username="member")
    plan.roles.create(user=member, role="board_member")
    pages = []
    for reader in (chair, member):
        client.force_login(reader)
        page = _read(client, plan, "?status=in_progress")
        listing = page[page.index('id="rag-counts"') : page.index("Also in this plan")]
        pages.append(
            re.sub(
                r"<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/plans/"
                r"[^\"]+/(sign-off|reminders|people|import|workbook)[^<]*</a></p>",
                "",
                listing,
            )
        )
    assert pages[0] == pages[1]
    assert "csrfmiddlewaretoken" not in pages[0]


def test_the_dashboards_figures_follow_a_write_at_once(as_chair, plan, action):
    def overdue() -> int:
        figures = as_chair.get(f"{plan.get_absolute_url()}dashboard/").context["figures"]
        return next(f.count for f in figures.actions if f.key == "overdue")

    assert overdue() == 0
    kept = Action.objects.get(pk=action.pk)
    kept.due_on = TODAY - datetime.timedelta(days=3)
    kept.save()
    assert overdue() == 1


def test_my_actions_follows_an_action_given_to_the_officer_and_its_next_update(
    client, plan, action, officer, officer_lead
):
    client.force_login(officer)
    assert "Audit every child protection plan" in client.get("/").content.decode()

    ActionFactory(plan=plan, reference="JAN17-9", text="Chair the audit panel", lead=officer_lead)
    assert "Chair the audit panel" in client.get("/").content.decode()

    kept = Action.objects.get(pk=action.pk)
    kept.status = Status.COMPLETE
    kept.save()
    page = client.get("/").content.decode()
    complete = page[page.index('id="group-complete"') :]
    assert "Audit every child protection plan" in complete
