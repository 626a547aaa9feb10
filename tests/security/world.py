"""One small installation with every kind of object and every kind of user, for the role × URL
matrix: two councils, a plan with a board, an issued pack, evidence, history, and ten personas."""

import datetime
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from boards.pack.snapshot import pack_snapshot
from improvement import second_factor, services
from improvement.models import Action, Invitation, PlanRole, Rag, Status, token_digest
from tests import factories as f
from tests.two_factor import give_app

PERSONAS = (
    "anonymous",
    "officer",
    "other_officer",
    "foreign_officer",
    "chair",
    "board_member",
    "improvement_lead",
    "no_role",
    "staff_no_perms",
    "superuser",
    "board_secretary",
    "foreign_secretary",
)
PASSWORD = "correct horse battery staple"
# The link of the world's one open invitation (to an address that is no persona's).
INVITATION_TOKEN = "world-invitation-token"


@dataclass
class World:
    plan: object
    foreign_plan: object
    action: object
    recommendation: object
    board: object
    pack: object
    evidence: object
    users: dict = field(default_factory=dict)


def _user(username, **extra):
    return f.UserFactory(username=username, **extra)


def _personas(world_plan, foreign_plan, board):
    officer = _user("officer")
    other_officer = _user("other_officer")
    foreign_officer = _user("foreign_officer")
    chair = _user("chair")
    board_member = _user("board_member")
    improvement_lead = _user("improvement_lead")
    for user, role in (
        (chair, PlanRole.Role.BOARD_CHAIR),
        (board_member, PlanRole.Role.BOARD_MEMBER),
        (improvement_lead, PlanRole.Role.IMPROVEMENT_LEAD),
    ):
        f.PlanRoleFactory(plan=world_plan, user=user, role=role)
    board.chair = chair
    board.save()
    board.members.add(board_member)
    return {
        "officer": officer,
        "other_officer": other_officer,
        "foreign_officer": foreign_officer,
        "chair": chair,
        "board_member": board_member,
        "improvement_lead": improvement_lead,
        "no_role": _user("no_role"),
        "staff_no_perms": _user("staff_no_perms", is_staff=True),
        "superuser": _user("superuser", is_staff=True, is_superuser=True),
        "board_secretary": _role_holder(world_plan, "board_secretary"),
        # The secretary of another council's board, whose plan it oversees.
        "foreign_secretary": _role_holder(foreign_plan, "foreign_secretary"),
    }


def _role_holder(plan, username):
    user = _user(username)
    f.PlanRoleFactory(plan=plan, user=user, role=PlanRole.Role.BOARD_SECRETARY)
    return user


def _sign_in_records():
    """What django-axes keeps of sign-ins, for its admin pages: of a user who is not a persona."""
    seen = {"username": "a.visitor", "ip_address": "127.0.0.1", "user_agent": "Firefox"}
    AccessAttempt.objects.create(**seen, failures_since_start=1, get_data="", post_data="")
    AccessFailureLog.objects.create(**seen)
    AccessLog.objects.create(**seen)


def build_world() -> World:
    plan = f.PlanFactory(slug="anytown", title="Anytown improvement plan")
    otherton = f.AuthorityFactory(name="Otherton Council")
    foreign_plan = f.PlanFactory(
        slug="otherton", title="Otherton improvement plan", authority=otherton
    )
    board = f.BoardFactory(name="Anytown Improvement Board")
    board.plans.add(plan)
    users = _personas(plan, foreign_plan, board)
    # Two factors on for the lead, who must, and the chair, who chose to (and may turn it off).
    give_app(users["improvement_lead"])
    second_factor.new_recovery_codes(user=users["improvement_lead"])
    give_app(users["chair"])

    inspection = f.InspectionFactory(title="Ofsted SIF Anytown 2016")
    plan.inspections.add(inspection)
    f.JudgementFactory(inspection=inspection, area="Overall effectiveness")
    recommendation = f.RecommendationFactory(inspection=inspection, reference="1")
    theme = f.ThemeFactory(plan=plan, name="Practice")
    period = f.PeriodFactory(plan=plan, name="September - December 2016", code="SEP16")
    objective = f.ObjectiveFactory(plan=plan, theme=theme, title="Visits are timely")

    lead = f.LeadFactory(name="Head of Safeguarding")
    lead.users.add(users["officer"])
    other_lead = f.LeadFactory(name="Head of Fostering")
    other_lead.users.add(users["other_officer"])
    # The same post as the Anytown officer's, in the other council.
    foreign_lead = f.LeadFactory(name="Head of Safeguarding", authority=otherton)
    foreign_lead.users.add(users["foreign_officer"])

    action = f.ActionFactory(
        plan=plan,
        reference="SEP16-1",
        theme=theme,
        period=period,
        objective=objective,
        lead=lead,
        progress_rag=Rag.GREEN,
        status=Status.IN_PROGRESS,
        due_on=timezone.localdate() + datetime.timedelta(days=60),
    )
    action.recommendations.add(recommendation)
    f.ActionFactory(plan=plan, reference="SEP16-2", lead=other_lead, theme=theme)
    f.ActionFactory(plan=foreign_plan, reference="SEP16-1", lead=foreign_lead)
    f.MilestoneFactory(action=action)
    services.record_progress(
        action=action,
        by=users["officer"],
        expected_version=action.version,
        progress_rag=Rag.AMBER,
        commentary="Recruitment slower than planned.",
    )
    action = Action.objects.get(pk=action.pk)
    evidence = f.EvidenceFactory(
        action=action,
        link="",
        file=ContentFile(b"Audit of 40 case files.\n", name="audit.txt"),
        description="Case file audit",
        uploaded_by=users["officer"],
    )

    measure = f.MeasureFactory(plan=plan, name="Visits within timescale")
    f.MeasureValueFactory(measure=measure)
    f.RiskFactory(plan=plan, reference="R1", owner=lead)
    visit = f.MonitoringVisitFactory(plans=[plan])
    f.FindingFactory(visit=visit, reference="1", recommendation=recommendation)
    meeting = f.MeetingFactory(board=board)
    f.AttendanceFactory(meeting=meeting)
    f.MeetingActionFactory(meeting=meeting, owner=lead)
    as_at = timezone.localdate()
    pack = f.PackFactory(
        plan=plan,
        board=board,
        meeting=meeting,
        as_at=as_at,
        snapshot=pack_snapshot(plan=plan, as_at=as_at, board=board, meeting=meeting),
        issued_by=users["improvement_lead"],
    )
    now = timezone.now()
    Invitation.objects.create(
        plan=plan,
        email="invited.partner@police.example",
        role=Invitation.Role.BOARD_MEMBER,
        invited_by=users["improvement_lead"],
        created_at=now,
        expires_at=now + datetime.timedelta(days=14),
        sent_at=now,
        token_hash=token_digest(INVITATION_TOKEN),
    )
    Group.objects.create(name="Improvement leads")
    # Anytown's own identity provider, through which the officer has signed in once.
    provider = f.IdentityProviderFactory(authority=plan.authority, email_domains="anytown.gov.uk")
    f.IdentityFactory(provider=provider, user=users["officer"])
    _sign_in_records()
    f.TaskResultFactory(args_kwargs={"args": [pack.pk], "kwargs": {}})

    return World(
        plan=plan,
        foreign_plan=foreign_plan,
        action=action,
        recommendation=recommendation,
        board=board,
        pack=pack,
        evidence=evidence,
        users=users,
    )
