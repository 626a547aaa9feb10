"""What a plan's pages show to every reader alike, kept between requests under the plan's stamp.

The plan page's list, its filter form and counts, and the dashboard's figures are the same for
everyone who may read the plan, and change only when something in the plan is written. Each is
cached under a key made of the plan, the day (overdue and due-soon change at midnight) and the
plan's stamp: one query over the history every write leaves (actions, leads, themes,
objectives, periods, recommendations and their links, progress updates), with the plan's own
rule. A write moves the stamp when its transaction commits, so the next request on any server,
in any process, reads a new key: nothing has to remember to invalidate, and nothing stale
outlives the commit. An officer's My actions is kept the same way, under the stamps of the
plans their actions are in (`my_actions_stamp`).

The cache may be each process's own memory (the default) or shared; the stamp makes both right.
"""

import datetime
import hashlib
import json
from functools import cache as once

from django.core.cache import cache
from django.db import connection

from improvement.models import (
    Action,
    Lead,
    LinkChange,
    Objective,
    Period,
    Plan,
    ProgressUpdate,
    Theme,
)
from inspections.models import Recommendation

# Long enough to serve a board week's reading; entries of an old stamp simply age out.
TIMEOUT = 6 * 60 * 60


@once
def _stamp_sql() -> str:
    """One statement of scalar subqueries, each on an index; written out rather than composed
    with the ORM, whose compiling would cost more than the fragments it lets a page skip.

    `MAX(id + 0)`, not `MAX(id)`: given a bare MAX, PostgreSQL walks the primary key down from
    the newest row of every council until it meets one of this plan's, which at 153 councils
    reads most of the table; with `+ 0` it reads this plan's rows by their plan's index. Links
    and progress updates are read action by action, through their action's index, for the same
    reason: a join lets the planner scan every council's rows."""
    table = {
        "action": Action._meta.db_table,
        "action_history": Action.history.model._meta.db_table,
        "lead_history": Lead.history.model._meta.db_table,
        "theme_history": Theme.history.model._meta.db_table,
        "objective_history": Objective.history.model._meta.db_table,
        "period_history": Period.history.model._meta.db_table,
        "recommendation_history": Recommendation.history.model._meta.db_table,
        "inspections": Plan.inspections.through._meta.db_table,
        "link_change": LinkChange._meta.db_table,
        "progress_update": ProgressUpdate._meta.db_table,
    }
    return """
        SELECT
            (SELECT COUNT(*) FROM {action} WHERE plan_id = %s),
            (SELECT MAX(history_id + 0) FROM {action_history} WHERE plan_id = %s),
            (SELECT MAX(history_id + 0) FROM {lead_history} WHERE authority_id = %s),
            (SELECT MAX(history_id + 0) FROM {theme_history} WHERE plan_id = %s),
            (SELECT MAX(history_id + 0) FROM {objective_history} WHERE plan_id = %s),
            (SELECT MAX(history_id + 0) FROM {period_history} WHERE plan_id = %s),
            (SELECT MAX(history_id + 0) FROM {recommendation_history} WHERE inspection_id IN
                (SELECT inspection_id FROM {inspections} WHERE plan_id = %s)),
            (SELECT COUNT(*) FROM {inspections} WHERE plan_id = %s),
            (SELECT MAX(id + 0) FROM {inspections} WHERE plan_id = %s),
            (SELECT MAX((SELECT MAX(link.id + 0) FROM {link_change} link
                WHERE link.action_id = action.id)) FROM {action} action WHERE action.plan_id = %s),
            (SELECT MAX((SELECT MAX(progress.id + 0) FROM {progress_update} progress
                WHERE progress.action_id = action.id)) FROM {action} action
                WHERE action.plan_id = %s)
    """.format(**table)


def stamp(plan: Plan) -> str:
    """The plan's stamp: moves with every committed write to what its shared pages show."""
    params = [plan.pk] * 2 + [plan.authority_id] + [plan.pk] * 8
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(), params)
        parts = cursor.fetchone()
    # The plan's own row is read by every page already: its rule and criteria join the stamp.
    rule = json.dumps([plan.slug, plan.rag_rule, plan.criteria], sort_keys=True, default=str)
    digest = hashlib.sha256(rule.encode()).hexdigest()[:12]
    return "-".join([*(str(part or 0) for part in parts), digest])


def my_actions_stamp(user, action_plans: dict[int, int]) -> str:
    """The stamp of a user's My actions: which actions they hold (`{action id: plan id}`, as
    permissions read it) and the stamp and title of each plan those are in."""
    plans = Plan.objects.filter(pk__in=set(action_plans.values())).order_by("pk")
    parts = [f"{plan.pk}:{plan.title}:{stamp(plan)}" for plan in plans]
    held = ",".join(str(pk) for pk in sorted(action_plans))
    return hashlib.sha256("|".join([str(user.pk), held, *parts]).encode()).hexdigest()


def key(plan: Plan, name: str, *, stamp: str, today: datetime.date) -> str:
    return f"plan:{plan.pk}:{name}:{today.isoformat()}:{stamp}"


def figure(plan: Plan, name: str, build, *, stamp: str, today: datetime.date):
    """`build()`'s value, computed once per plan, stamp and day."""
    return cache.get_or_set(key(plan, name, stamp=stamp, today=today), build, timeout=TIMEOUT)
