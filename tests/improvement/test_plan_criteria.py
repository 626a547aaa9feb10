"""A plan rates its actions by its own readiness criteria: named in its words, edited in the admin
as lines of words, answered per action, and shown on the action's page."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from improvement.admin.actions import CRITERIA_ONCE_SAVED
from improvement.criteria import (
    ASSESSMENT_NOT_YES_NO,
    CRITERION_KEY_NOT_SLUG,
    CRITERION_KEY_REPEATED,
    CRITERION_NAME_REPEATED,
    CRITERION_WITHOUT_NAME,
    NO_CRITERIA,
    TOO_MANY_CRITERIA,
    Criterion,
    criteria_as_words,
    criteria_from_words,
)
from improvement.models import Plan, ProgressUpdate, Rag, Status
from improvement.rag import derive_action_rag
from tests.adminforms import posted_form
from tests.factories import ActionFactory, PlanFactory, UserFactory
from tests.improvement.conftest import TODAY

OUR_THREE = [
    {"key": "safe", "name": "Children are safe", "essential": True},
    {"key": "funded", "name": "Funding agreed", "essential": False},
    {"key": "staffed", "name": "Staff in post", "essential": False},
]


@pytest.fixture
def criteria_plan(plan):
    plan.rag_rule = Plan.RagRule.CRITERIA
    plan.save()
    return plan


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _errors(plan: Plan) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    return refused.value.message_dict["criteria"]


# The plan's criteria ----------------------------------------------------------------------------


def test_a_new_plan_rates_by_the_five_criteria_councils_use(db):
    plan = PlanFactory()

    assert plan.criterion_list() == (
        Criterion("scope", "Clear scope", essential=True),
        Criterion("resources-identified", "Resources identified"),
        Criterion("resources-allocated", "Resources allocated"),
        Criterion("project-plan", "Project plan in place"),
        Criterion("pace", "Ambitious delivery timescales (pace)"),
    )
    plan.full_clean()


def test_no_two_plans_share_one_list_of_criteria(db):
    first, second = PlanFactory(), PlanFactory()

    first.criteria.append({"key": "extra", "name": "Extra", "essential": False})

    assert len(second.criteria) == 5


def test_a_plan_of_its_own_three_criteria_is_valid(plan):
    plan.criteria = OUR_THREE

    plan.full_clean()

    assert [c.name for c in plan.criterion_list()] == [
        "Children are safe",
        "Funding agreed",
        "Staff in post",
    ]
    assert [c.essential for c in plan.criterion_list()] == [True, False, False]


def test_a_plan_without_criteria_is_refused(plan):
    plan.criteria = []

    assert _errors(plan) == [NO_CRITERIA]


def test_a_plan_of_eleven_criteria_is_refused(plan):
    plan.criteria = [
        {"key": f"c{n}", "name": f"Criterion {n}", "essential": False} for n in range(11)
    ]

    assert _errors(plan) == [TOO_MANY_CRITERIA % {"most": 10, "count": 11}]


def test_a_plan_of_ten_criteria_is_accepted(plan):
    plan.criteria = [
        {"key": f"c{n}", "name": f"Criterion {n}", "essential": False} for n in range(10)
    ]

    plan.full_clean()


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        (
            [*OUR_THREE, {"key": "safe-2", "name": "children are  SAFE", "essential": False}],
            CRITERION_NAME_REPEATED % {"name": "children are  SAFE"},
        ),
        (
            [*OUR_THREE, {"key": "safe", "name": "Safe at home", "essential": False}],
            CRITERION_KEY_REPEATED
            % {"name": "Safe at home", "key": "safe", "other": "Children are safe"},
        ),
        (
            [*OUR_THREE, {"key": "at home", "name": "Safe at home", "essential": False}],
            CRITERION_KEY_NOT_SLUG % {"name": "Safe at home", "key": "at home"},
        ),
        (
            [*OUR_THREE, {"key": "", "name": "Safe at home", "essential": False}],
            CRITERION_KEY_NOT_SLUG % {"name": "Safe at home", "key": ""},
        ),
        (
            [*OUR_THREE, {"key": "blank", "name": "  ", "essential": False}],
            CRITERION_WITHOUT_NAME % {"number": 4},
        ),
    ],
)
def test_a_mistake_in_the_criteria_names_the_criterion(plan, criteria, message):
    plan.criteria = criteria

    assert _errors(plan) == [message]


def test_an_answer_that_is_not_yes_no_or_not_assessed_is_refused(plan):
    action = ActionFactory(plan=plan, criteria={"scope": True, "pace": "yes"})

    with pytest.raises(ValidationError) as refused:
        action.full_clean()

    assert refused.value.message_dict["criteria"] == [
        ASSESSMENT_NOT_YES_NO % {"key": "pace", "value": "'yes'"}
    ]


# Criteria in plain words ------------------------------------------------------------------------


def test_criteria_read_as_lines_with_essential_ones_marked():
    assert criteria_as_words(OUR_THREE) == "!Children are safe\nFunding agreed\nStaff in post"


def test_words_keep_the_keys_of_unchanged_names_and_give_new_names_keys_of_their_own():
    text = "Staff in post\n\n  ! Children are SAFE \nA permanent manager\nFunding agreed (2017)\n"

    assert criteria_from_words(text, previous=OUR_THREE) == [
        {"key": "staffed", "name": "Staff in post", "essential": False},
        {"key": "safe", "name": "Children are SAFE", "essential": True},
        {"key": "a-permanent-manager", "name": "A permanent manager", "essential": False},
        {"key": "funding-agreed-2017", "name": "Funding agreed (2017)", "essential": False},
    ]


def test_a_new_name_never_takes_a_key_the_plan_already_used():
    previous = [{"key": "funded", "name": "Money agreed", "essential": False}]

    assert criteria_from_words("Funded\nfunded!", previous=previous) == [
        {"key": "funded-2", "name": "Funded", "essential": False},
        {"key": "funded-3", "name": "funded!", "essential": False},
    ]


# The admin --------------------------------------------------------------------------------------


def _plan_change(plan):
    return reverse("admin:improvement_plan_change", args=[plan.pk])


def test_the_admin_edits_a_plans_criteria_in_words(admin_client, plan):
    action = ActionFactory(plan=plan, criteria={"scope": True, "pace": False})
    form = posted_form(admin_client.get(_plan_change(plan)))
    assert form["criteria"] == (
        "!Clear scope\nResources identified\nResources allocated\nProject plan in place\n"
        "Ambitious delivery timescales (pace)"
    )

    form["criteria"] = "Clear scope\n!Ambitious delivery timescales (pace)\nSocial workers in post"
    response = admin_client.post(_plan_change(plan), form)

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.criterion_list() == (
        Criterion("scope", "Clear scope"),
        Criterion("pace", "Ambitious delivery timescales (pace)", essential=True),
        Criterion("social-workers-in-post", "Social workers in post"),
    )
    # The answers recorded against the criteria kept are still read.
    action.refresh_from_db()
    action.plan.rag_rule = Plan.RagRule.CRITERIA
    assert [a.label for a in derive_action_rag(action, today=TODAY).assessments] == [
        "Met",
        "Not met",
        "Not assessed",
    ]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("Clear scope\nclear scope", CRITERION_NAME_REPEATED % {"name": "clear scope"}),
        ("   \n", NO_CRITERIA),
        ("Clear scope\n!", CRITERION_WITHOUT_NAME % {"number": 2}),
        (
            "\n".join(f"Criterion {n}" for n in range(11)),
            TOO_MANY_CRITERIA % {"most": 10, "count": 11},
        ),
    ],
)
def test_criteria_the_admin_mistyped_are_refused_on_the_field(admin_client, plan, words, message):
    form = posted_form(admin_client.get(_plan_change(plan)))
    form["criteria"] = words

    response = admin_client.post(_plan_change(plan), form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["criteria"] == [message]
    plan.refresh_from_db()
    assert len(plan.criteria) == 5


def _action_change(action):
    return reverse("admin:improvement_action_change", args=[action.pk])


def test_the_admin_rates_an_action_against_each_of_its_plans_criteria(admin_client, plan):
    plan.criteria = OUR_THREE
    plan.save()
    action = ActionFactory(plan=plan, criteria={"safe": True})
    page = admin_client.get(_action_change(action))
    form = posted_form(page)
    assert (form["criterion_safe"], form["criterion_funded"], form["criterion_staffed"]) == (
        "met",
        "",
        "",
    )
    assert "Children are safe" in page.content.decode()
    assert "scope" not in form

    form.update(criterion_safe="met", criterion_funded="not_met", criterion_staffed="met")
    response = admin_client.post(_action_change(action), form)

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.criteria == {"safe": True, "funded": False, "staffed": True}
    assert action.version == 2
    [update] = ProgressUpdate.objects.filter(action=action)
    assert update.action_version == 2
    assert update.commentary.startswith("Details changed in the admin: ")


def test_an_answer_set_back_to_not_assessed_is_recorded_as_such(admin_client, plan):
    action = ActionFactory(plan=plan, criteria={"scope": True, "pace": True})
    form = posted_form(admin_client.get(_action_change(action)))

    form["criterion_pace"] = ""
    assert admin_client.post(_action_change(action), form).status_code == 302

    action.refresh_from_db()
    assert action.criteria["scope"] is True
    assert action.criteria["pace"] is None


def test_staff_who_may_only_view_actions_read_the_answers_in_words(client, plan):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_action"))
    action = ActionFactory(plan=plan, criteria={"scope": True, "pace": False})
    client.force_login(viewer)

    page = client.get(_action_change(action)).content.decode()

    assert (
        '<div class="readonly">Clear scope: Met<br>Resources identified: Not assessed<br>'
        "Resources allocated: Not assessed<br>Project plan in place: Not assessed<br>"
        "Ambitious delivery timescales (pace): Not met</div>"
    ) in page


def test_a_new_action_is_rated_once_saved(admin_client, plan):
    page = admin_client.get(reverse("admin:improvement_action_add")).content.decode()

    assert f'<div class="description">{CRITERIA_ONCE_SAVED}</div>' in page


def test_an_action_from_the_latest_inspection_is_filtered_in_the_admin(admin_client, plan):
    ActionFactory(plan=plan, reference="STAR-1", arose_from_inspection=True)
    ActionFactory(plan=plan, reference="PLAIN-1")

    response = admin_client.get(
        reverse("admin:improvement_action_changelist"), {"arose_from_inspection__exact": "1"}
    )

    assert [a.reference for a in response.context["cl"].result_list] == ["STAR-1"]


# The site ---------------------------------------------------------------------------------------


@pytest.fixture
def as_chair(client, chair):
    client.force_login(chair)
    return client


def test_the_action_page_shows_each_criterion_and_its_answer(as_chair, criteria_plan):
    action = ActionFactory(
        plan=criteria_plan,
        status=Status.IN_PROGRESS,
        progress_rag=Rag.GREEN,
        criteria={"scope": True, "resources-identified": False, "project-plan": True},
    )

    response = as_chair.get(action.get_absolute_url())
    page = response.content.decode()

    assert response.context["action"].derived.rag == Rag.NOT_RATED
    assert "2 criteria not assessed" in page
    criteria = page[page.index('<dl class="tracker-criteria') :]
    criteria = criteria[: criteria.index("</dl>")]
    answers = [
        ("Clear scope (essential)", "Met"),
        ("Resources identified", "Not met"),
        ("Resources allocated", "Not assessed"),
        ("Project plan in place", "Met"),
        ("Ambitious delivery timescales (pace)", "Not assessed"),
    ]
    positions = []
    for name, answer in answers:
        row = (
            f'<dt class="tracker-criteria__name">{name}</dt>\n'
            f'    <dd class="tracker-criteria__answer">{answer}</dd>'
        )
        assert row in criteria
        positions.append(criteria.index(row))
    assert positions == sorted(positions)


def test_the_action_page_of_a_criteria_plan_names_the_criterion_not_met(as_chair, criteria_plan):
    criteria_plan.criteria = OUR_THREE
    criteria_plan.save()
    action = ActionFactory(
        plan=criteria_plan,
        status=Status.IN_PROGRESS,
        progress_rag=Rag.GREEN,
        criteria={"safe": True, "funded": True, "staffed": False},
    )

    page = as_chair.get(action.get_absolute_url()).content.decode()

    assert '<strong class="govuk-tag tracker-rag tracker-rag--amber">Amber</strong>' in page
    assert "reported green, Staff in post not met" in page


def test_the_action_page_of_a_dates_plan_lists_no_criteria(as_chair, overdue_action):
    page = as_chair.get(overdue_action.get_absolute_url()).content.decode()

    assert "tracker-criteria" not in page
    assert "Clear scope" not in page


def test_an_action_from_the_latest_inspection_says_so_on_its_page_and_in_the_plan(as_chair, plan):
    starred = ActionFactory(plan=plan, reference="JAN17-1", arose_from_inspection=True)
    ActionFactory(plan=plan, reference="JAN17-2")

    action_page = as_chair.get(starred.get_absolute_url()).content.decode()
    plan_page = as_chair.get(plan.get_absolute_url()).content.decode()

    assert "From latest inspection</strong>" in action_page
    rows = plan_page[plan_page.index("<tbody") :].split('<tr class="govuk-table__row">')
    tagged = [row for row in rows if "From latest inspection</strong>" in row]
    assert len(tagged) == 1
    assert ">JAN17-1</a>" in tagged[0]


@pytest.mark.parametrize(
    ("choice", "expected"), [("true", ["A1"]), ("false", ["A2"]), ("", ["A1", "A2"])]
)
def test_the_plan_filters_actions_from_the_latest_inspection(as_chair, plan, choice, expected):
    ActionFactory(plan=plan, reference="A1", order=1, arose_from_inspection=True)
    ActionFactory(plan=plan, reference="A2", order=2)

    response = as_chair.get(plan.get_absolute_url(), {"from_inspection": choice})

    assert [a.reference for a in response.context["actions"]] == expected
    assert (
        'for="id_from_inspection">From the latest inspection</label>' in response.content.decode()
    )
