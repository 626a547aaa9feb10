"""One council of the scale scenario, written in bulk: the rows the site's own writes would have
left after a year of monthly board cycles (bench/scale.py builds 153 of them).

Per council: a plan of 200 actions over 4 themes, 24 objectives and 4 periods, added as an
import adds them (version 1: a history row and an "Added from a spreadsheet import" update,
through `record_new_actions`); 20 leads; 50 users (41 officers linked to the leads, an
improvement lead, a board chair, 6 board members and a secretary, each with their PlanRole); one
inspection with 15 recommendations, each action linked to one (with the LinkChange row the
link's signal writes); 12 monthly progress updates per action, each with the Action history row
`improvement.services.steps.save` writes beside it (same time, user and change reason, the
action's next version); 8 measures with 12 values and 20 risks, with their creation history; a
board with 12 monthly meetings and 4 meeting actions each. No packs: a pack is a PDF the real
service builds (bench/scale.py times one).

Everything goes through `bulk_create` (or simple-history's `bulk_history_create`) in batches,
so a council costs a few dozen INSERTs rather than thousands.
"""

import copy
import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from simple_history.utils import bulk_create_with_history

from authorities.models import Authority
from bench.bench_pack import RAGS
from boards.models import Board, Meeting, MeetingAction
from improvement.importing.resources.actions import IMPORT_ADDED
from improvement.models import (
    Action,
    Lead,
    LinkChange,
    Measure,
    MeasureValue,
    Objective,
    Period,
    Plan,
    PlanRole,
    ProgressUpdate,
    Risk,
    Status,
    Theme,
)
from improvement.services.sheets import record_new_actions
from inspections.models import Inspection, Recommendation

ACTIONS = 200
LEADS = 20
OFFICERS = 41
MEMBERS = 6
USERS = OFFICERS + 3 + MEMBERS  # + improvement lead, chair, secretary = 50
RECOMMENDATIONS = 15
UPDATES = 12  # a year of monthly updates per action
MEETINGS = 12
MEASURES, MEASURE_VALUES, RISKS = 8, 12, 20
THEMES = ("People", "Practice", "Performance", "Partnership")
BATCH = 2_000


@dataclass(frozen=True)
class Council:
    plan: Plan
    board: Board
    officer: object  # leads actions through its lead: My actions, the update page
    improvement_lead: object  # every plan page, the dashboard, issuing packs
    action: Action  # one of the officer's


def slug_of(n: int) -> str:
    return f"council-{n:03d}"


def _users(n: int, password: str) -> list:
    users = get_user_model()
    rows = [
        users(username=f"{slug_of(n)}-{role}-{i}", email=f"{role}{i}@{slug_of(n)}.example.org")
        for role, count in (("officer", OFFICERS), ("lead", 1), ("chair", 1), ("member", MEMBERS))
        for i in range(count)
    ]
    rows.append(users(username=f"{slug_of(n)}-secretary-0"))
    for user in rows:
        user.password = password  # one hash made once: hashing 7,650 passwords costs minutes
    return users.objects.bulk_create(rows)


def _plan_shape(n: int, started: datetime.datetime):
    authority = Authority.objects.create(name=f"Council {n:03d}", slug=slug_of(n))
    plan = Plan.objects.create(
        authority=authority,
        title=f"Council {n:03d} improvement plan",
        slug=slug_of(n),
        starts_on=started.date(),
    )
    leads = bulk_create_with_history(
        [
            Lead(authority=authority, name=f"Head of Service {i}", name_key=f"head of service {i}")
            for i in range(LEADS)
        ],
        Lead,
        default_date=started,
    )
    themes = bulk_create_with_history(
        [Theme(plan=plan, name=name, order=i, lead=leads[i]) for i, name in enumerate(THEMES)],
        Theme,
        default_date=started,
    )
    periods = Period.objects.bulk_create(
        Period(plan=plan, name=f"Quarter {i + 1}", code=f"Q{i + 1}", order=i) for i in range(4)
    )
    objectives = bulk_create_with_history(
        [
            Objective(
                plan=plan, theme=themes[i % 4], title=f"Objective {i}: children are safer", order=i
            )
            for i in range(24)
        ],
        Objective,
        default_date=started,
    )
    inspection = Inspection.objects.create(
        title=f"Ofsted ILACS Council {n:03d}", authority=authority
    )
    plan.inspections.add(inspection)
    recommendations = bulk_create_with_history(
        [
            Recommendation(
                inspection=inspection,
                reference=str(i),
                text=f"Ensure that the quality of practice in area {i} improves.",
                order=i,
            )
            for i in range(1, RECOMMENDATIONS + 1)
        ],
        Recommendation,
        default_date=started,
    )
    return plan, leads, periods, objectives, recommendations


def _status_at(i: int, k: int) -> str:
    """Action i's status after its k-th update: some start late, a quarter finish in the year."""
    if k == UPDATES - 1 and i % 4 == 3:
        return Status.COMPLETE
    return Status.NOT_STARTED if k < i % 3 else Status.IN_PROGRESS


def _actions(plan, leads, periods, objectives, *, by, today, started) -> list[Action]:
    """The plan as an import adds it: the actions, their first history rows and updates."""
    actions = []
    for i in range(ACTIONS):
        due = today + datetime.timedelta(days=(i % 120) - 60)
        actions.append(
            Action(
                plan=plan,
                reference=f"{periods[i % 4].code}-{i + 1}",
                number=str(i + 1),
                theme=objectives[i % 24].theme,
                period=periods[i % 4],
                objective=objectives[i % 24],
                text=f"Action {i + 1}: review and improve the quality of practice in area "
                f"{i % 37}, with audit evidence reported to the board.",
                lead=leads[i % LEADS],
                is_key_action=i % 40 == 0,
                due_on=due,
                first_due_on=due,
                order=i,
            )
        )
    created = Action.objects.bulk_create(actions, batch_size=BATCH)
    Action.history.bulk_history_create(
        created,
        batch_size=BATCH,
        default_date=started,
        default_user=by,
        default_change_reason=IMPORT_ADDED,
    )
    record_new_actions(actions=created, by=by, commentary=IMPORT_ADDED, at=started)
    return created


def _year_of_updates(actions: list[Action], officers_of: dict, *, now, started) -> None:
    """Each action's 12 updates as `update_action` writes them: the update row, the action at
    its next version and that version's history row, at the same time and by the same user."""
    updates, versions = [], []
    for i, action in enumerate(actions):
        for k in range(UPDATES):
            at = now - datetime.timedelta(days=30 * (UPDATES - 1 - k) + i % 5, hours=i % 7)
            by = officers_of[action.lead_id]
            before = copy.copy(action)
            action.version += 1
            action.status = _status_at(i, k)
            action.progress_rag = RAGS[(i + k) % len(RAGS)]
            action.commentary = f"Update {k + 1}: progress on {action.reference} reviewed."
            if action.status == Status.COMPLETE:
                action.completed_on = at.date()
            updates.append(
                ProgressUpdate(
                    action_id=action.pk,
                    by=by,
                    at=at,
                    progress_rag_before=before.progress_rag,
                    progress_rag_after=action.progress_rag,
                    impact_rag_before=before.impact_rag,
                    impact_rag_after=action.impact_rag,
                    status_before=before.status,
                    status_after=action.status,
                    due_on_before=before.due_on,
                    due_on_after=action.due_on,
                    commentary=action.commentary,
                    action_version=action.version,
                )
            )
            version = copy.copy(action)
            version._history_date = at
            version._history_user = by
            version._change_reason = action.commentary[:100]
            versions.append(version)
    ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH)
    Action.history.bulk_history_create(versions, batch_size=BATCH, update=True)
    Action.objects.bulk_update(
        actions,
        ["version", "status", "progress_rag", "commentary", "completed_on"],
        batch_size=BATCH,
    )


def _links(actions, recommendations, *, started) -> None:
    through = Action.recommendations.through
    through.objects.bulk_create(
        through(action_id=a.pk, recommendation_id=recommendations[i % len(recommendations)].pk)
        for i, a in enumerate(actions)
    )
    # What link_history's m2m_changed receiver writes for each link made through `add`.
    LinkChange.objects.bulk_create(
        LinkChange(
            action_id=a.pk,
            link=LinkChange.Link.RECOMMENDATION,
            target_id=recommendations[i % len(recommendations)].pk,
            change=LinkChange.Change.ADDED,
            at=started,
        )
        for i, a in enumerate(actions)
    )


def _measures_and_risks(plan, leads, *, today, started) -> None:
    measures = bulk_create_with_history(
        [
            Measure(plan=plan, name=f"Measure {m}", unit="%", target=80, order=m, owner=leads[m])
            for m in range(MEASURES)
        ],
        Measure,
        default_date=started,
    )
    bulk_create_with_history(
        [
            MeasureValue(
                measure=measure,
                period_ending=today - datetime.timedelta(days=30 * (MEASURE_VALUES - k)),
                label=f"Month {k + 1}",
                value=55 + k * 2 + m,
            )
            for m, measure in enumerate(measures)
            for k in range(MEASURE_VALUES)
        ],
        MeasureValue,
        default_date=started,
    )
    bulk_create_with_history(
        [
            Risk(
                plan=plan,
                reference=f"R{r + 1}",
                description=f"Risk {r + 1}: demand outstrips the service's capacity",
                owner=leads[r % LEADS],
                raised_on=started.date(),
                reviewed_on=today - datetime.timedelta(days=(r * 11) % 120),
                likelihood=1 + r % 5,
                impact=1 + (r * 2) % 5,
                residual_likelihood=1 + r % 3,
                residual_impact=1 + r % 4,
                existing_controls="Monthly monitoring",
                order=r,
            )
            for r in range(RISKS)
        ],
        Risk,
        default_date=started,
    )


def _people(plan, leads, users, *, started) -> dict:
    officers, (lead, chair, *rest) = users[:OFFICERS], users[OFFICERS:]
    members, secretary = rest[:MEMBERS], rest[MEMBERS]
    through = Lead.users.through
    through.objects.bulk_create(
        through(lead_id=leads[i % LEADS].pk, user_id=user.pk) for i, user in enumerate(officers)
    )
    Role = PlanRole.Role
    bulk_create_with_history(
        [
            PlanRole(plan=plan, user=user, role=role)
            for user, role in [
                (lead, Role.IMPROVEMENT_LEAD),
                (chair, Role.BOARD_CHAIR),
                (secretary, Role.BOARD_SECRETARY),
                *((member, Role.BOARD_MEMBER) for member in members),
            ]
        ],
        PlanRole,
        default_date=started,
    )
    return {"officers_of": {leads[i].pk: officers[i] for i in range(LEADS)}, "lead": lead}


def _board(plan, leads, users, *, today) -> Board:
    chair, members = users[OFFICERS + 1], users[OFFICERS + 2 : OFFICERS + 2 + MEMBERS]
    board = Board.objects.create(
        authority=plan.authority,
        name=f"Council {plan.authority.slug[-3:]} Improvement Board",
        chair=chair,
        chair_name="Independent chair",
    )
    board.plans.add(plan)
    board.members.add(*members)
    meetings = bulk_create_with_history(
        [
            Meeting(
                board=board,
                held_on=today - datetime.timedelta(days=30 * (MEETINGS - 1 - k) + 3),
                title=f"Board meeting {k + 1}",
            )
            for k in range(MEETINGS)
        ],
        Meeting,
    )
    bulk_create_with_history(
        [
            MeetingAction(
                meeting=meeting,
                number=j + 1,
                text=f"Report back on item {j + 1}",
                owner=leads[j],
                due_on=meeting.held_on + datetime.timedelta(days=28),
            )
            for meeting in meetings
            for j in range(4)
        ],
        MeetingAction,
    )
    return board


def build_council(n: int, *, password: str, now: datetime.datetime) -> Council:
    """Council n, a year into its plan as at `now`. `password` is an already hashed password."""
    today, started = now.date(), now - datetime.timedelta(days=30 * UPDATES + 7)
    plan, leads, periods, objectives, recommendations = _plan_shape(n, started)
    users = _users(n, password)
    people = _people(plan, leads, users, started=started)
    actions = _actions(
        plan, leads, periods, objectives, by=people["lead"], today=today, started=started
    )
    _links(actions, recommendations, started=started)
    _year_of_updates(actions, people["officers_of"], now=now, started=started)
    _measures_and_risks(plan, leads, today=today, started=started)
    board = _board(plan, leads, users, today=today)
    officer = people["officers_of"][leads[0].pk]
    return Council(
        plan=plan,
        board=board,
        officer=officer,
        improvement_lead=people["lead"],
        action=next(a for a in actions if a.lead_id == leads[0].pk),
    )
