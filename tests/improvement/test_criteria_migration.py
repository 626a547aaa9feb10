"""Migration improvement 0006 moves the five yes/no criteria into each action's answers, its
history too, without loss; and back again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("improvement", "0005_references_fit_addresses")]
AFTER = [("improvement", "0006_criteria_of_the_plan_and_actions_from_inspection")]
COLUMNS = (
    "scope_clear",
    "resources_known",
    "resources_allocated",
    "has_project_plan",
    "timescale_realistic",
)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def _old_plan(apps):
    get = apps.get_model
    authority = get("authorities", "Authority").objects.create(name="Worcestershire", slug="worcs")
    return get("improvement", "Plan").objects.create(
        authority=authority, title="Worcestershire plan", slug="worcs", rag_rule="criteria"
    )


def test_each_answer_moves_under_the_standard_criteria_and_back_again(old_apps):
    plan = _old_plan(old_apps)
    Action = old_apps.get_model("improvement", "Action")
    rated = Action.objects.create(
        plan=plan,
        reference="1.1",
        text="Rated",
        scope_clear=True,
        resources_known=False,
        resources_allocated=None,
        has_project_plan=True,
        timescale_realistic=False,
    )
    Action.objects.create(plan=plan, reference="1.2", text="Not yet assessed")
    History = old_apps.get_model("improvement", "HistoricalAction")
    History.objects.create(
        id=rated.pk,
        plan_id=plan.pk,
        reference="1.1",
        text="Rated, as it stood",
        scope_clear=False,
        timescale_realistic=True,
        history_date=timezone.now(),
        history_type="~",
        version=1,
        order=0,
    )

    apps = migrate(AFTER)

    Action = apps.get_model("improvement", "Action")
    answers = dict(Action.objects.values_list("reference", "criteria"))
    assert answers == {
        "1.1": {
            "scope": True,
            "resources-identified": False,
            "project-plan": True,
            "pace": False,
        },
        "1.2": {},
    }
    history = apps.get_model("improvement", "HistoricalAction").objects.get()
    assert history.criteria == {"scope": False, "pace": True}
    new_plan = apps.get_model("improvement", "Plan").objects.get()
    assert [c["key"] for c in new_plan.criteria] == [
        "scope",
        "resources-identified",
        "resources-allocated",
        "project-plan",
        "pace",
    ]
    assert new_plan.criteria[4]["name"] == "Ambitious delivery timescales (pace)"
    assert not Action.objects.filter(arose_from_inspection=True).exists()

    apps = migrate(BEFORE)

    Action = apps.get_model("improvement", "Action")
    assert Action.objects.values_list(*COLUMNS).get(reference="1.1") == (
        True,
        False,
        None,
        True,
        False,
    )
    assert Action.objects.values_list(*COLUMNS).get(reference="1.2") == (None,) * 5
    history = apps.get_model("improvement", "HistoricalAction").objects.get()
    assert (history.scope_clear, history.resources_known, history.timescale_realistic) == (
        False,
        None,
        True,
    )
