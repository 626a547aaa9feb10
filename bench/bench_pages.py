"""Officer pages against the Django admin changelist of the same 1,000 actions, in one run.

A scratch database (the test database of whatever DATABASE_URL names) holds a synthetic plan:
1,000 actions over 3 themes, 12 objectives and 4 periods, 20 leads, two progress updates and one
recommendation per action. The officer leads 100 of the actions. Each page is requested through
Django's test client (no network), after one warm-up request; the median of the timed requests is
reported with its ratio to the admin changelist.
"""

import datetime
import statistics
import time
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment
from django.utils import timezone

from authorities.models import Authority
from improvement.models import (
    Action,
    Lead,
    Objective,
    Period,
    Plan,
    PlanRole,
    ProgressUpdate,
    Rag,
    Status,
    Theme,
)
from inspections.models import Inspection, Recommendation

ACTIONS = 1_000
MANY_WORDS = " ".join(f"word{n}" for n in range(3_000))
OFFICER_SHARE = 10  # every 10th action is the officer's
REQUESTS = 25


def _benchtown() -> Authority:
    return Authority.objects.get_or_create(name="Benchtown Council", slug="benchtown")[0]


def _build() -> tuple[Plan, object, object]:
    plan = Plan.objects.create(authority=_benchtown(), title="Benchtown plan", slug="bench")
    inspection = Inspection.objects.create(title="Ofsted SIF Benchtown", authority=plan.authority)
    plan.inspections.add(inspection)
    recs = Recommendation.objects.bulk_create(
        Recommendation(inspection=inspection, reference=str(n), text=f"Recommendation {n}", order=n)
        for n in range(1, 20)
    )
    themes = [
        Theme.objects.create(plan=plan, name=name, order=i)
        for i, name in enumerate(["People", "Practice", "Performance"])
    ]
    periods = [
        Period.objects.create(plan=plan, name=f"Period {n}", code=f"P{n}", order=n)
        for n in range(4)
    ]
    objectives = [
        Objective.objects.create(plan=plan, theme=themes[n % 3], title=f"Objective {n}", order=n)
        for n in range(12)
    ]
    leads = [
        Lead.objects.create(authority=plan.authority, name=f"Head of Service {n}")
        for n in range(20)
    ]
    users = get_user_model().objects
    officer = users.create_user("bench_officer", password="bench-only-password")
    leads[0].users.add(officer)
    superuser = users.create_superuser("bench_admin", password="bench-only-password")
    PlanRole.objects.create(plan=plan, user=superuser, role=PlanRole.Role.IMPROVEMENT_LEAD)

    today = timezone.localdate()
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            reference=f"P{n % 4}-{n}",
            number=str(n),
            text=f"Synthetic improvement action {n}: audit, train and report back to the board.",
            theme=themes[n % 3],
            period=periods[n % 4],
            objective=objectives[n % 12],
            lead=leads[0] if n % OFFICER_SHARE == 0 else leads[1 + n % 19],
            due_on=today + datetime.timedelta(days=(n % 200) - 60),
            first_due_on=today + datetime.timedelta(days=(n % 200) - 60),
            status=[Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETE][n % 3],
            progress_rag=[Rag.RED, Rag.AMBER, Rag.GREEN][n % 3],
            is_key_action=n % 25 == 0,
            order=n,
        )
        for n in range(ACTIONS)
    )
    Action.recommendations.through.objects.bulk_create(
        Action.recommendations.through(action=a, recommendation=recs[i % len(recs)])
        for i, a in enumerate(actions)
    )
    now = timezone.now()
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            action=a,
            by=officer,
            at=now - datetime.timedelta(days=30 * k + i % 7),
            progress_rag_before=Rag.NOT_RATED,
            progress_rag_after=a.progress_rag,
            commentary=f"Update {k} on {a.reference}",
            action_version=k + 1,
        )
        for i, a in enumerate(actions)
        for k in range(2)
    )
    return plan, officer, superuser


def _median_ms(client: Client, url: str) -> float:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    if Action not in admin.site._registry:
        # This branch has no Action admin yet; a default ModelAdmin stands in for it.
        admin.site.register(Action)
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        plan, officer, superuser = _build()
        officer_client, admin_client = Client(), Client()
        officer_client.force_login(officer)
        admin_client.force_login(superuser)
        per_page = admin.site._registry[Action].list_per_page
        changelist = f"admin changelist ({per_page} per page)"
        results = {
            changelist: _median_ms(admin_client, "/admin/improvement/action/"),
            "plan page (50 per page)": _median_ms(officer_client, plan.get_absolute_url()),
            "plan page, filtered (overdue, text)": _median_ms(
                officer_client, f"{plan.get_absolute_url()}?overdue=on&q=audit"
            ),
            f"my actions ({ACTIONS // OFFICER_SHARE} actions)": _median_ms(officer_client, "/"),
            # Refused before the database: it costs what an unfiltered page costs, or less.
            "plan page, 3,000-word search": _median_ms(
                officer_client, f"{plan.get_absolute_url()}?{urlencode({'q': MANY_WORDS})}"
            ),
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    baseline = results[changelist]
    print(
        f"{ACTIONS} actions on {connection.vendor}; median of {REQUESTS} requests each "
        "(test client, after one warm-up)"
    )
    for name, median in results.items():
        print(f"  {name:<40} {median:8.1f} ms   {median / baseline:5.2f}× admin changelist")
