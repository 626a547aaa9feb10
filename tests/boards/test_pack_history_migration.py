"""Migration improvement 0010 gives themes, objectives, leads, plan roles and evidence that were
there before they had history a first historical row, dated when the plan's history began, so
packs for earlier dates are not left without them."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from boards.pack.snapshot import pack_snapshot
from improvement.models import Plan

BEFORE = [("improvement", "0008_lead_names_match_whatever_their_punctuation")]
BEGAN = timezone.make_aware(datetime.datetime(2017, 3, 1, 9, 0))
UPLOADED = timezone.make_aware(datetime.datetime(2017, 4, 12, 15, 30))


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps(transactional_db):
    yield migrate(BEFORE)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _old_plan(apps):
    get = apps.get_model
    authority = get("authorities", "Authority").objects.create(name="Anytown", slug="anytown")
    plan = get("improvement", "Plan").objects.create(
        authority=authority, title="Anytown plan", slug="anytown"
    )
    lead = get("improvement", "Lead").objects.create(
        authority=authority, name="Head of Safeguarding", name_key="head of safeguarding"
    )
    theme = get("improvement", "Theme").objects.create(plan=plan, name="People")
    objective = get("improvement", "Objective").objects.create(
        plan=plan, theme=theme, title="Recruit social workers"
    )
    user = get("auth", "User").objects.create(username="chair")
    get("improvement", "PlanRole").objects.create(plan=plan, user=user, role="board_chair")
    fields = {
        "plan": plan,
        "reference": "P1",
        "text": "Recruit ten permanent social workers",
        "theme": theme,
        "objective": objective,
        "lead": lead,
    }
    action = get("improvement", "Action").objects.create(**fields)
    get("improvement", "HistoricalAction").objects.create(
        id=action.pk,
        **{f"{key}_id": value.pk for key, value in fields.items() if hasattr(value, "pk")},
        reference="P1",
        text=fields["text"],
        history_date=BEGAN,
        history_type="+",
    )
    evidence = get("improvement", "Evidence").objects.create(
        action=action, link="https://intranet.council.example/audit"
    )
    get("improvement", "Evidence").objects.filter(pk=evidence.pk).update(uploaded_at=UPLOADED)
    return plan


def test_rows_from_before_their_history_read_in_packs_dated_since_the_plan_began(old_apps):
    _old_plan(old_apps)

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    plan = Plan.objects.get(slug="anytown")
    assert [h.history_date for h in plan.themes.get().history.all()] == [BEGAN]
    assert [h.history_date for h in plan.objectives.get().history.all()] == [BEGAN]
    assert [h.history_date for h in plan.roles.get().history.all()] == [BEGAN]
    action = plan.actions.get()
    assert [h.history_date for h in action.lead.history.all()] == [BEGAN]
    assert [h.history_date for h in action.evidence.get().history.all()] == [UPLOADED]
    assert get_user_model().objects.get(username="chair").plan_roles.count() == 1

    march = pack_snapshot(plan=plan, as_at=datetime.date(2017, 3, 31))
    may = pack_snapshot(plan=plan, as_at=datetime.date(2017, 5, 31))

    assert [t["name"] for t in march["themes"]] == ["People"]
    assert [o["title"] for o in march["objectives"]] == ["Recruit social workers"]
    p1 = march["actions"][0]
    assert (p1["lead"], p1["evidence_count"]) == ("Head of Safeguarding", 0)
    assert may["actions"][0]["evidence_count"] == 1
