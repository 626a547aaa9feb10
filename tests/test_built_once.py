"""Rows built once for a module are shared by its tests, yet no test sees another's changes."""

import pytest

from improvement.models import Plan
from tests.conftest import anytown_plan, built_once_for_the_module


@pytest.fixture(scope="module")
def plan_built_once(django_db_setup, django_db_blocker):
    yield from built_once_for_the_module(django_db_blocker, build=lambda: anytown_plan().pk)


def test_a_test_may_change_the_shared_rows(db, plan_built_once):
    Plan.objects.filter(pk=plan_built_once).update(title="Renamed by this test")
    extra = Plan.objects.create(
        slug="extra", title="Extra", authority=Plan.objects.get(pk=plan_built_once).authority
    )

    assert Plan.objects.get(pk=plan_built_once).title == "Renamed by this test"
    assert Plan.objects.filter(pk=extra.pk).exists()


def test_the_next_test_finds_them_as_built(db, plan_built_once):
    assert list(Plan.objects.values_list("pk", "title")) == [
        (plan_built_once, "Anytown improvement plan")
    ]


def test_a_test_that_does_not_ask_for_the_database_cannot_reach_them(plan_built_once):
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        Plan.objects.count()
