"""The demo, loaded once for a whole test module: it imports four workbooks, invents months of
history and issues several PDF packs, which is far too slow to do for every test.

Loaded twice (DEBUG on, as `make run` has it) inside one transaction that is rolled back when
the module ends; each test runs in a savepoint inside it, so nothing a test does leaks into the
next.
"""

import io
from dataclasses import dataclass

from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

HISTORIED_APPS = {"authorities", "inspections", "improvement", "boards", "auth"}


def every_row() -> dict[str, list[str]]:
    """Every row of every model, history tables included, as plain values."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_models()
        if model._meta.app_label in HISTORIED_APPS
    }


def run_load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@dataclass
class LoadedTwice:
    first_output: str
    rows_after_first: dict
    rows_after_second: dict


def load_demo_twice(django_db_blocker, media_root):
    """A generator for a module-scoped fixture: yields once the demo is loaded twice."""
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, MEDIA_ROOT=str(media_root)),
        transaction.atomic(),
    ):
        first_output = run_load_demo()
        after_first = every_row()
        run_load_demo()
        yield LoadedTwice(first_output, after_first, every_row())
        transaction.set_rollback(True)
