"""The Wirral 2016 demo plan: the council's published workbooks in fixtures/wirral/, imported by
the real importer, placed in time so the plan is live today, with an illustrative history.

It lives on the top floor because one plan spans all three apps: the inspection, the plan and the
board that oversees it. What no workbook holds is loaded here: the inspection's judgements, the
board and its February 2018 meeting, the demo users. The invented months since the plan began are
in boards/demo_history.py; docs/demo-data.md tells the whole story.

A second run finds the plan in place and loads nothing again (users and packs are each found by
their natural key first), so nothing a demo user changed in between is overwritten.
"""

import calendar
import csv
import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from authorities.models import Authority
from boards import demo_history
from boards.demo_time import Shift, shift_published_dates
from boards.models import Attendance, Board, Meeting, MeetingAction
from improvement.importing.workbook import import_workbook
from improvement.models import FindingResponse, Lead, Plan, PlanRole, normalise_name
from inspections.models import Body, Finding, Grade, Inspection, Judgement, MonitoringVisit

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "wirral"
MEETING_FILE = "board_meeting_2018-02-28.json"
# In the order the importer needs them: recommendations before the actions and measures citing them.
WORKBOOKS = (
    "recommendations.xlsx",
    "action_plan.xlsx",
    "risk_register.xlsx",
    "improvement_measures.xlsx",
)

INSPECTION_TITLE = "Ofsted SIF Wirral 2016"
AUTHORITY = "Wirral Council"
# Found by slug, so an installation whose older "Wirral" text became an authority keeps using it.
AUTHORITY_SLUG = "wirral"
PLAN_SLUG = "wirral-2016"
PLAN_TITLE = "Wirral Improvement Plan 2016"
# The plan document is dated 23/12/2016: its version is text, and stays as written.
PLAN_VERSION = "23/12/2016"
BOARD_NAME = "Wirral Improvement Board"

# The officer signs in as the post that leads the most actions, many of them not complete.
OFFICER_LEAD = "Deputy Director Children’s Care Services"

USERS_CREATED = "Demo users are in place; `python manage.py demo_logins` lists them."
USERS_SKIPPED = "DEBUG is off, so no demo logins were created (the demo data was loaded)."
ILLUSTRATIVE = (
    "The plan, recommendations, risks and board meeting are as Wirral published them, moved on "
    "in time so the plan is live today; the progress since it began is illustrative "
    "(docs/demo-data.md)."
)
IMPORT_FAILED = "The demo workbook {name} did not import: {errors}"
# The span of the plan's periods as Wirral published them: the shift is chosen from it before
# the import, so what the import adds is recorded on the day the moved plan begins.
PUBLISHED_SPAN = (datetime.date(2016, 9, 1), datetime.date(2017, 9, 30))
SPAN_CHANGED = "The demo plan's periods run {found}, not {published} as the demo expects."

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
        "Start at the plan's dashboard; update or sign off any action, issue a board pack.",
    ),
    DemoLogin(
        "officer",
        "wirral-officer-2016",
        f"Officer signed in as the lead “{OFFICER_LEAD}”",
        "Record progress on the actions this post leads; others are read-only.",
    ),
    DemoLogin(
        "secretary",
        "wirral-secretary-2016",
        f"Board secretary of the {BOARD_NAME}",
        "Record a meeting, its decisions and actions arising; close carried-forward actions.",
    ),
    DemoLogin(
        "chair",
        "wirral-chair-2016",
        f"Chair of the {BOARD_NAME}",
        "Start at the plan's dashboard; read the plan, the board's packs and its February 2018 "
        "meeting; change nothing.",
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


def load_demo(*, today: datetime.date | None = None) -> Loaded:
    """Load the published plan and its illustrative history in one transaction, then issue the
    monthly packs (each its own transaction, as an improvement lead would); demo logins only
    ever when DEBUG is on."""
    today = today or timezone.localdate()
    with transaction.atomic():
        plan = Plan.objects.filter(slug=PLAN_SLUG).first()
        if plan is None:
            plan = load_published(today)
            demo_history.load_history(plan, today=today)
        board = Board.objects.get(authority=plan.authority, name=BOARD_NAME)
        users_created = bool(settings.DEBUG)
        if users_created:
            officer_lead = Lead.objects.get(
                authority=plan.authority, name_key=normalise_name(OFFICER_LEAD)
            )
            load_users(plan, board, officer_lead)
    demo_history.issue_monthly_packs(plan, board, today=today)
    return Loaded(plan=plan, users_created=users_created)


def load_published(today: datetime.date) -> Plan:
    """What Wirral published: the workbooks through the importer, the rest from the fixtures,
    every stored date moved by one whole number of years so the plan's periods straddle today."""
    authority = load_authority()
    load_inspection(authority, read_csv("judgements.csv"))
    plan = Plan.objects.create(
        slug=PLAN_SLUG,
        authority=authority,
        title=PLAN_TITLE,
        version=PLAN_VERSION,
        status=Plan.PlanStatus.LIVE,
    )
    starts_on, ends_on = PUBLISHED_SPAN
    shift = Shift.to_straddle(starts_on=starts_on, ends_on=ends_on, today=today)
    began = shift.recorded_at(shift.date(starts_on))
    for name in WORKBOOKS:
        import_demo_workbook(plan, name, recorded_at=began)
    plan.inspections.add(Inspection.objects.get(authority=authority, title=INSPECTION_TITLE))
    periods = plan.periods.exclude(starts_on=None)
    plan.starts_on = min(p.starts_on for p in periods)
    plan.ends_on = max(p.ends_on for p in periods)
    if (plan.starts_on, plan.ends_on) != PUBLISHED_SPAN:
        found = f"{plan.starts_on} to {plan.ends_on}"
        raise RuntimeError(
            SPAN_CHANGED.format(found=found, published=" to ".join(map(str, PUBLISHED_SPAN)))
        )
    plan.save(update_fields=["starts_on", "ends_on"])
    shift_published_dates(plan, shift)
    meeting = read_meeting()
    board = load_board(plan, meeting)
    held = load_meeting(board, meeting, shift=shift, today=today, plan=plan)
    load_monitoring_visit(plan, after_meeting=held.held_on, today=today)
    return plan


def import_demo_workbook(plan: Plan, name: str, *, recorded_at: datetime.datetime) -> None:
    summary = import_workbook(
        plan=plan,
        data=(FIXTURES / name).read_bytes(),
        filename=name,
        dry_run=False,
        recorded_at=recorded_at,
    )
    if not summary.ok:
        errors = "; ".join(str(error) for error in summary.all_errors()[:3])
        raise RuntimeError(IMPORT_FAILED.format(name=name, errors=errors))


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


def meeting_day(published: datetime.date, *, plan: Plan, today: datetime.date) -> datetime.date:
    """The published meeting, held after the plan's last period, would move past today with the
    rest; it is the one date placed apart: on its day of the month in the month before today's,
    so it has been held and the latest monthly pack carries its action log."""
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    day = min(published.day, calendar.monthrange(year, month)[1])
    return max(datetime.date(year, month, day), plan.starts_on)


def load_meeting(
    board: Board, data: dict, *, shift: Shift, today: datetime.date, plan: Plan
) -> Meeting:
    held_on = meeting_day(datetime.date.fromisoformat(data["held_on"]), plan=plan, today=today)
    meeting, created = Meeting.objects.get_or_create(
        board=board,
        held_on=held_on,
        defaults={
            "title": data["title"],
            "agenda": "\n".join(item["heading"] for item in data["agenda"]),
            "minutes": minutes_summary(data),
            "next_meeting_text": data["next_meeting"],
        },
    )
    if not created:
        return meeting
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, name=person["name"], role=person["role"], kind=kind, order=n)
        for key, kind in _ATTENDANCE_KINDS.items()
        for n, person in enumerate(data[key], start=1)
    )
    # Owners are minuted by name; only a name that is also a lead links to it.
    leads = {lead.name_key: lead for lead in Lead.objects.for_authority(board.authority_id)}
    minuted = shift.recorded_at(held_on)
    for item in data["actions"]:
        minuted_action = MeetingAction(
            meeting=meeting,
            number=item["number"],
            agenda_item=item["agenda_item"],
            text=item["text"],
            owner_text=item["owner"],
            owner=leads.get(normalise_name(item["owner"])) if item["owner"] else None,
            due_text=item["due"],
        )
        minuted_action._history_date = minuted
        minuted_action.save()
    return meeting


# The February 2018 minutes say "Ofsted Monitoring Visit due 14 and 15 March", a fortnight after
# the meeting; its letter is not in the published documents, so the findings below are
# illustrative, each restating a 2016 recommendation the visit would follow up.
VISIT_AFTER_MEETING = datetime.timedelta(days=14)
VISIT_THEME = "Children in need of help and protection (illustrative)"
VISIT_SUMMARY = (
    "Illustrative: the minutes of 28 February 2018 announce this visit; its letter is not in the "
    "demo data, so each finding restates the 2016 recommendation it follows up."
)
# (reference, kind, recommendation, text, answered by the actions answering the recommendation)
VISIT_FINDINGS = (
    (
        "1",
        Finding.Kind.AREA_FOR_IMPROVEMENT,
        "6",
        "Supervision of social workers is more regular, but records do not yet show reflective "
        "analysis of complex work with children and families.",
        True,
    ),
    (
        "2",
        Finding.Kind.AREA_FOR_IMPROVEMENT,
        "7",
        "Strategy meetings are not always timely, and do not always include the key "
        "professionals whose information identifies the risks to children.",
        False,
    ),
    (
        "3",
        Finding.Kind.STRENGTH,
        "2",
        "Thresholds are better understood by partner agencies at the front door.",
        True,
    ),
)


def load_monitoring_visit(plan: Plan, *, after_meeting: datetime.date, today: datetime.date):
    """The monitoring visit the February 2018 minutes announce, a fortnight after the meeting
    (never after today), with its illustrative findings: the first and the strength answered by
    the actions already answering their recommendations, the second with no action yet."""
    visited_on = max(after_meeting, min(after_meeting + VISIT_AFTER_MEETING, today))
    visit = MonitoringVisit.objects.create(
        authority=plan.authority,
        kind=MonitoringVisit.Kind.OFSTED_MONITORING_VISIT,
        visited_on=visited_on,
        theme=VISIT_THEME,
        summary=VISIT_SUMMARY,
    )
    plan.monitoring_visits.add(visit)
    recommendations = {r.reference: r for r in plan.recommendations()}
    for order, (reference, kind, rec, text, answered) in enumerate(VISIT_FINDINGS, start=1):
        recommendation = recommendations.get(rec)
        finding = Finding.objects.create(
            visit=visit,
            reference=reference,
            kind=kind,
            text=text,
            recommendation=recommendation,
            order=order,
        )
        if answered and recommendation is not None:
            for action in plan.actions.filter(recommendations=recommendation)[:2]:
                FindingResponse.objects.create(finding=finding, action=action)
    return visit


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
    secretary = _demo_user(by_name["secretary"])
    PlanRole.objects.get_or_create(plan=plan, user=secretary, role=PlanRole.Role.BOARD_SECRETARY)
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
