"""The Wirral 2016 demo plan, loaded from the public council documents copied into fixtures/wirral/.

It lives on the top floor because one plan spans all three apps: the inspection, the plan and the
board that oversees it. Every loader uses get_or_create on a natural key and fills in only what it
creates, so a second run finds everything in place and writes nothing: no rows, no history rows,
no changed fields, and nothing a demo user changed in between is overwritten.
"""

import csv
import datetime
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from authorities.models import Authority
from boards.models import Attendance, Board, Meeting, MeetingAction
from improvement.importing.cells import (
    parse_due,
    parse_flag,
    parse_progress,
    period_bounds,
    period_code,
    split_leads,
    split_references,
)
from improvement.models import (
    Action,
    Lead,
    Measure,
    Objective,
    Period,
    Plan,
    PlanRole,
    Risk,
    Status,
    Theme,
    normalise_name,
)
from inspections.models import Body, Grade, Inspection, Judgement, Recommendation

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "wirral"
MEETING_FILE = "board_meeting_2018-02-28.json"

INSPECTION_TITLE = "Ofsted SIF Wirral 2016"
AUTHORITY = "Wirral Council"
# Found by slug, so an installation whose older "Wirral" text became an authority keeps using it.
AUTHORITY_SLUG = "wirral"
PLAN_SLUG = "wirral-2016"
PLAN_TITLE = "Wirral Improvement Plan 2016"
# The plan document is dated 23/12/2016.
PLAN_VERSION = "23/12/2016"
THEMES = ("People", "Practice", "Performance", "LSCB")
# LSCB actions sit outside the three-month blocks and are numbered 1.1..7.3 under each
# LSCB recommendation, so their references take the theme instead of a period code.
LSCB_THEME = "LSCB"
BOARD_NAME = "Wirral Improvement Board"

# The officer signs in as the post that leads the most actions, many of them not complete.
OFFICER_LEAD = "Deputy Director Children’s Care Services"

USERS_CREATED = "Demo users are in place; `python manage.py demo_logins` lists them."
USERS_SKIPPED = "DEBUG is off, so no demo users were created (the demo data was loaded)."

_BODIES = {"local authority": Body.LOCAL_AUTHORITY, "lscb": Body.SAFEGUARDING}
_GRADES = {label.casefold(): value for value, label in Grade.choices}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    try_this: str


DEMO_LOGINS = (
    DemoLogin(
        "admin",
        "wirral-admin-2016",
        "Administrator (superuser)",
        "Open /admin/ to see every inspection, plan, action, risk, measure and meeting.",
    ),
    DemoLogin(
        "improvement.lead",
        "wirral-lead-2016",
        "Improvement lead of the Wirral plan",
        "Update or sign off any action, review the flagged due dates, issue a board pack.",
    ),
    DemoLogin(
        "officer",
        "wirral-officer-2016",
        f"Officer signed in as the lead “{OFFICER_LEAD}”",
        "Record progress on the actions this post leads; others are read-only.",
    ),
    DemoLogin(
        "chair",
        "wirral-chair-2016",
        f"Chair of the {BOARD_NAME}",
        "Read the plan, the risk register and the February 2018 meeting; change nothing.",
    ),
)


@dataclass(frozen=True)
class Loaded:
    plan: Plan
    users_created: bool


def read_csv(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_meeting() -> dict:
    return json.loads((FIXTURES / MEETING_FILE).read_text(encoding="utf-8"))


@transaction.atomic
def load_demo() -> Loaded:
    """Load the whole demo in one transaction; demo users only ever when DEBUG is on."""
    action_rows = read_csv("action_plan.csv")
    risk_rows = read_csv("risk_register.csv")
    authority = load_authority()
    inspection = load_inspection(authority, read_csv("judgements.csv"))
    recommendations = load_recommendations(inspection, read_csv("recommendations.csv"))
    plan = load_plan(authority, inspection, action_rows)
    themes = load_themes(plan)
    periods = load_periods(plan, action_rows)
    leads = load_leads(
        plan.authority, [row["lead"] for row in action_rows] + [r["owner"] for r in risk_rows]
    )
    objectives = load_objectives(plan, themes, action_rows)
    load_actions(plan, action_rows, themes, periods, objectives, recommendations, leads)
    load_risks(plan, risk_rows, leads)
    load_measures(plan, themes, read_csv("improvement_measures.csv"))
    meeting = read_meeting()
    board = load_board(plan, meeting)
    load_meeting(board, meeting)
    if not settings.DEBUG:
        return Loaded(plan=plan, users_created=False)
    load_users(plan, board, leads[normalise_name(OFFICER_LEAD)])
    return Loaded(plan=plan, users_created=True)


def load_authority() -> Authority:
    return Authority.objects.get_or_create(slug=AUTHORITY_SLUG, defaults={"name": AUTHORITY})[0]


def load_inspection(authority: Authority, judgement_rows: list[dict[str, str]]) -> Inspection:
    overall = next(r for r in judgement_rows if r["area"] == "Overall effectiveness")
    inspection, _ = Inspection.objects.get_or_create(
        authority=authority,
        title=INSPECTION_TITLE,
        defaults={
            "kind": Inspection.Kind.SIF,
            "overall_grade": _GRADES[overall["grade"].casefold()],
        },
    )
    judgements: dict[str, Judgement] = {}
    for order, row in enumerate(judgement_rows, start=1):
        judgements[row["area"]], _ = Judgement.objects.get_or_create(
            inspection=inspection,
            area=row["area"],
            defaults={
                "body": _BODIES[row["body"].casefold()],
                "grade": _GRADES[row["grade"].casefold()],
                # Sub-judgements follow their parent in the source, so the parent is loaded.
                "sub_judgement_of": judgements.get(row["sub_judgement_of"]),
                "order": order,
            },
        )
    return inspection


def load_recommendations(
    inspection: Inspection, rows: list[dict[str, str]]
) -> dict[str, Recommendation]:
    loaded = {}
    for order, row in enumerate(rows, start=1):
        loaded[row["ref"]], _ = Recommendation.objects.get_or_create(
            inspection=inspection,
            reference=row["ref"],
            defaults={"body": _BODIES[row["body"].casefold()], "text": row["text"], "order": order},
        )
    return loaded


def period_names(action_rows: list[dict[str, str]]) -> list[str]:
    return list(dict.fromkeys(row["period"] for row in action_rows if row["period"]))


def load_plan(
    authority: Authority, inspection: Inspection, action_rows: list[dict[str, str]]
) -> Plan:
    bounds = [period_bounds(name) for name in period_names(action_rows)]
    plan, created = Plan.objects.get_or_create(
        slug=PLAN_SLUG,
        defaults={
            "authority": authority,
            "title": PLAN_TITLE,
            "version": PLAN_VERSION,
            "status": Plan.PlanStatus.LIVE,
            "starts_on": min(start for start, _ in bounds),
            "ends_on": max(end for _, end in bounds),
        },
    )
    if created:
        plan.inspections.add(inspection)
    return plan


def load_themes(plan: Plan) -> dict[str, Theme]:
    return {
        name: Theme.objects.get_or_create(plan=plan, name=name, defaults={"order": order})[0]
        for order, name in enumerate(THEMES, start=1)
    }


def load_periods(plan: Plan, action_rows: list[dict[str, str]]) -> dict[str, Period]:
    periods = {}
    for order, name in enumerate(period_names(action_rows), start=1):
        starts_on, ends_on = period_bounds(name)
        periods[name], _ = Period.objects.get_or_create(
            plan=plan,
            name=name,
            defaults={
                "code": period_code(name),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "order": order,
            },
        )
    return periods


def load_leads(authority: Authority, cells: list[str]) -> dict[str, Lead]:
    """One lead per post of the council however it is spelt, named by its most frequent spelling."""
    spellings: dict[str, Counter] = {}
    for cell in cells:
        for name in split_leads(cell):
            spellings.setdefault(normalise_name(name), Counter())[name] += 1
    return {
        key: Lead.objects.get_or_create(
            authority=authority, name_key=key, defaults={"name": names.most_common(1)[0][0]}
        )[0]
        for key, names in spellings.items()
    }


def load_objectives(
    plan: Plan, themes: dict[str, Theme], action_rows: list[dict[str, str]]
) -> dict[tuple[str, str], Objective]:
    """One objective per theme and wording: a heading repeated word for word in a later period
    is the same objective; one reworded by the council is kept apart, as printed."""
    keys = list(dict.fromkeys((row["theme"], row["objective"]) for row in action_rows))
    return {
        (theme, title): Objective.objects.get_or_create(
            plan=plan, theme=themes[theme], title=title, defaults={"order": order}
        )[0]
        for order, (theme, title) in enumerate(keys, start=1)
    }


def action_reference(row: dict[str, str]) -> str:
    # Wirral numbers actions afresh in each three-month period, so the number alone repeats.
    prefix = LSCB_THEME if row["theme"] == LSCB_THEME else period_code(row["period"])
    return f"{prefix}-{row['no']}"


def load_actions(
    plan: Plan,
    rows: list[dict[str, str]],
    themes: dict[str, Theme],
    periods: dict[str, Period],
    objectives: dict[tuple[str, str], Objective],
    recommendations: dict[str, Recommendation],
    leads: dict[str, Lead],
) -> None:
    for order, row in enumerate(rows, start=1):
        lead_names = split_leads(row["lead"])
        action, created = Action.objects.get_or_create(
            plan=plan,
            reference=action_reference(row),
            defaults={
                **_action_fields(row),
                "order": order,
                "theme": themes[row["theme"]],
                "period": periods.get(row["period"]),
                "objective": objectives[(row["theme"], row["objective"])],
                "lead": leads[normalise_name(lead_names[0])] if lead_names else None,
            },
        )
        if created:
            action.recommendations.set(
                recommendations[ref] for ref in split_references(row["recs"])
            )
            action.co_leads.set(leads[normalise_name(name)] for name in lead_names[1:])


def _action_fields(row: dict[str, str]) -> dict:
    due = parse_due(row["by_when"])
    progress = parse_progress(row["progress_rag"])
    return {
        "number": row["no"],
        "text": row["action"],
        "is_key_action": parse_flag(row["key_action"]),
        "due_on": due.on,
        "due_text": due.text,
        "due_needs_review": due.needs_review,
        "status": progress.status or Status.NOT_STARTED,
        "progress_rag": progress.rag,
        "expected_impact": row["impact"],
        "impact_evidence": row["impact_tested"],
        "commentary": row["comments"],
        "improvement_measure": row["improvement_measure"],
    }


def load_risks(plan: Plan, rows: list[dict[str, str]], leads: dict[str, Lead]) -> None:
    # The score is computed by the database from likelihood and impact, so it is never set here.
    for order, row in enumerate(rows, start=1):
        Risk.objects.get_or_create(
            plan=plan,
            reference=row["no"],
            defaults={
                "description": row["description"],
                "owner": leads[normalise_name(row["owner"])],
                "review_text": row["date_raised_reviewed"],
                "existing_controls": row["existing_controls"],
                "additional_controls": row["additional_controls"],
                "likelihood": int(row["likelihood"]),
                "impact": int(row["impact"]),
                "order": order,
            },
        )


def load_measures(plan: Plan, themes: dict[str, Theme], rows: list[dict[str, str]]) -> None:
    """Each measure once: the plan prints the same lists after every period. No values exist in
    the source, so none are loaded."""
    pairs = list(dict.fromkeys((row["measure"], row["theme"]) for row in rows))
    names = list(dict.fromkeys(name for name, _ in pairs))
    measures = {
        name: Measure.objects.get_or_create(plan=plan, name=name, defaults={"order": order})[0]
        for order, name in enumerate(names, start=1)
    }
    for name, theme in pairs:
        measures[name].themes.add(themes[theme])


def load_board(plan: Plan, meeting: dict) -> Board:
    board, created = Board.objects.get_or_create(
        authority=plan.authority,
        name=meeting["board"],
        defaults={"chair_name": meeting["chair"]["name"], "chair_role": meeting["chair"]["role"]},
    )
    if created:
        board.plans.add(plan)
    return board


_ATTENDANCE_KINDS = {
    "present": Attendance.Kind.PRESENT,
    "in_attendance": Attendance.Kind.IN_ATTENDANCE,
    "apologies": Attendance.Kind.APOLOGIES,
}


def load_meeting(board: Board, data: dict) -> Meeting:
    meeting, _ = Meeting.objects.get_or_create(
        board=board,
        held_on=datetime.date.fromisoformat(data["held_on"]),
        defaults={
            "title": data["title"],
            "agenda": "\n".join(item["heading"] for item in data["agenda"]),
            "minutes": minutes_summary(data),
            "next_meeting_text": data["next_meeting"],
        },
    )
    for key, kind in _ATTENDANCE_KINDS.items():
        for order, person in enumerate(data[key], start=1):
            Attendance.objects.get_or_create(
                meeting=meeting,
                name=person["name"],
                defaults={"role": person["role"], "kind": kind, "order": order},
            )
    for item in data["actions"]:
        MeetingAction.objects.get_or_create(
            meeting=meeting,
            number=item["number"],
            defaults={
                "agenda_item": item["agenda_item"],
                "text": item["text"],
                "owner_text": item["owner"],
                # Owners are minuted by name; only a name that is also a lead links to it.
                "owner": Lead.objects.for_authority(board.authority_id)
                .filter(name_key=normalise_name(item["owner"]))
                .first()
                if item["owner"]
                else None,
                "due_text": item["due"],
            },
        )
    return meeting


def minutes_summary(data: dict) -> str:
    """The minutes as summarised item by item in the fixture (not the verbatim minutes)."""
    items = []
    for number, item in enumerate(data["agenda"], start=1):
        by = f" (presented by {item['presented_by']})" if item["presented_by"] else ""
        items.append(f"{number}. {item['heading']}{by}\n{item['summary']}")
    follow_ups = "\n".join(f"- {text}" for text in data["follow_ups_not_marked_action"])
    return "\n\n".join([*items, f"Follow-ups not marked ACTION:\n{follow_ups}"])


def load_users(plan: Plan, board: Board, officer_lead: Lead) -> None:
    by_name = {login.username: login for login in DEMO_LOGINS}
    _demo_user(by_name["admin"], is_staff=True, is_superuser=True)
    lead = _demo_user(by_name["improvement.lead"])
    PlanRole.objects.get_or_create(plan=plan, user=lead, role=PlanRole.Role.IMPROVEMENT_LEAD)
    officer_lead.users.add(_demo_user(by_name["officer"]))
    chair = _demo_user(by_name["chair"])
    PlanRole.objects.get_or_create(plan=plan, user=chair, role=PlanRole.Role.BOARD_CHAIR)
    board.members.add(chair)
    if board.chair_id is None:
        board.chair = chair
        board.save(update_fields=["chair"])


def _demo_user(login: DemoLogin, *, is_staff: bool = False, is_superuser: bool = False):
    user, created = get_user_model().objects.get_or_create(
        username=login.username,
        defaults={
            "email": f"{login.username}@wirral-demo.example",
            "is_staff": is_staff,
            "is_superuser": is_superuser,
        },
    )
    if created:
        # Hashed only on creation: hashing is slow, and a rerun must not touch the row.
        user.set_password(login.password)
        user.save(update_fields=["password"])
    return user
