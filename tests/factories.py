import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify
from django_tasks_db.models import DBTaskResult

from authorities.models import Authority
from boards.models import Attendance, Board, Meeting, MeetingAction, Pack
from improvement.models import (
    Action,
    Evidence,
    Lead,
    Measure,
    MeasureValue,
    Milestone,
    Objective,
    Period,
    Plan,
    PlanRole,
    ProgressUpdate,
    Risk,
    Theme,
)
from inspections.models import Finding, Inspection, Judgement, MonitoringVisit, Recommendation
from sso import secrets
from sso.models import Identity, IdentityProvider


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@council.example")
    password = factory.django.Password("correct horse battery staple")


class AuthorityFactory(factory.django.DjangoModelFactory):
    """Without a name, the one shared "Anytown Council": every factory's default authority."""

    class Meta:
        model = Authority
        django_get_or_create = ("name",)

    name = "Anytown Council"
    slug = factory.LazyAttribute(lambda a: slugify(a.name))


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    authority = factory.SubFactory(AuthorityFactory)
    title = factory.Sequence(lambda n: f"Ofsted SIF Anytown {2016 + n}")
    published_on = datetime.date(2016, 9, 20)
    overall_grade = "inadequate"


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    inspection = factory.SubFactory(InspectionFactory)
    reference = factory.Sequence(lambda n: str(n + 1))
    text = factory.Sequence(lambda n: f"Ensure that recommendation {n} is met.")
    order = factory.Sequence(lambda n: n)


class MonitoringVisitFactory(factory.django.DjangoModelFactory):
    """A visit of the default authority; pass `plans=[plan]` to link it to plans."""

    class Meta:
        model = MonitoringVisit
        skip_postgeneration_save = True

    authority = factory.SubFactory(AuthorityFactory)
    visited_on = datetime.date(2017, 1, 17)
    theme = "Children in need of help and protection"
    inspectors = "Two of His Majesty's Inspectors"

    @factory.post_generation
    def plans(self, create, extracted, **kwargs):
        if create and extracted:
            for plan in extracted:
                plan.monitoring_visits.add(self)


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    visit = factory.SubFactory(MonitoringVisitFactory)
    reference = factory.Sequence(lambda n: str(n + 1))
    text = factory.Sequence(lambda n: f"Managers do not yet oversee casework well enough ({n}).")
    order = factory.Sequence(lambda n: n)


class JudgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judgement

    inspection = factory.SubFactory(InspectionFactory)
    area = factory.Sequence(lambda n: f"Area {n}")
    grade = "inadequate"
    order = factory.Sequence(lambda n: n)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("slug",)

    authority = factory.SubFactory(AuthorityFactory)
    title = factory.Sequence(lambda n: f"Improvement plan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    starts_on = datetime.date(2016, 9, 1)
    ends_on = datetime.date(2017, 9, 30)


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Head of Service {n}")
    organisation = factory.LazyAttribute(lambda lead: lead.authority.name)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    order = factory.Sequence(lambda n: n)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Quarter {n}")
    code = factory.Sequence(lambda n: f"Q{n}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    plan = factory.SubFactory(PlanFactory)
    theme = factory.SubFactory(ThemeFactory, plan=factory.SelfAttribute("..plan"))
    title = factory.Sequence(lambda n: f"Objective {n}: children are safer")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(PlanFactory)
    reference = factory.Sequence(lambda n: f"A{n + 1}")
    number = factory.Sequence(lambda n: str(n + 1))
    text = factory.Sequence(lambda n: f"Deliver improvement action {n}")
    lead = factory.SubFactory(LeadFactory, authority=factory.SelfAttribute("..plan.authority"))
    due_on = datetime.date(2017, 3, 31)
    order = factory.Sequence(lambda n: n)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Measure {n}")
    unit = "%"
    target = 80


class MeasureValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureValue

    measure = factory.SubFactory(MeasureFactory)
    period_ending = factory.Sequence(
        lambda n: datetime.date(2017, 1, 31) + datetime.timedelta(days=30 * n)
    )
    value = 50


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    plan = factory.SubFactory(PlanFactory)
    reference = factory.Sequence(lambda n: str(n + 1))
    description = factory.Sequence(lambda n: f"Risk {n} materialises")
    owner = factory.SubFactory(LeadFactory, authority=factory.SelfAttribute("..plan.authority"))
    likelihood = 3
    impact = 4


class PlanRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanRole

    plan = factory.SubFactory(PlanFactory)
    user = factory.SubFactory(UserFactory)
    role = PlanRole.Role.IMPROVEMENT_LEAD


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Improvement Board {n}")
    chair_name = "Independent Chair"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    held_on = factory.Sequence(lambda n: datetime.date(2018, 1, 1) + datetime.timedelta(28 * n))


class MeetingActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAction

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Report back on item {n}")


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    """For lists of past updates only; real updates are written by record_progress."""

    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    at = factory.LazyFunction(timezone.now)
    progress_rag_before = "not_rated"
    progress_rag_after = "amber"
    status_before = "not_started"
    status_after = "in_progress"
    commentary = factory.Sequence(lambda n: f"Progress note {n}")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    text = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = datetime.date(2017, 1, 31)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    action = factory.SubFactory(ActionFactory)
    link = factory.Sequence(lambda n: f"https://intranet.council.example/evidence/{n}")
    description = factory.Sequence(lambda n: f"Audit report {n}")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Sequence(lambda n: f"Member {n}")
    role = "Board member"


class PackFactory(factory.django.DjangoModelFactory):
    """An issued pack row with a stand-in PDF, for pages that only list packs; tests of the
    pack itself issue one through boards.services.issue_pack."""

    class Meta:
        model = Pack

    plan = factory.SubFactory(PlanFactory)
    board = factory.SubFactory(BoardFactory, authority=factory.SelfAttribute("..plan.authority"))
    as_at = factory.Sequence(lambda n: datetime.date(2018, 1, 31) + datetime.timedelta(days=n))
    status = Pack.PackStatus.ISSUED
    stage = Pack.Stage.STORED
    pdf = factory.django.FileField(filename="pack.pdf", data=b"%PDF-1.7 stand-in")
    pages = 1
    archive_pdf = factory.django.FileField(filename="archive.pdf", data=b"%PDF-1.7 archive")
    archive_pages = 2
    issued_at = factory.LazyFunction(timezone.now)


class TaskResultFactory(factory.django.DjangoModelFactory):
    """A pack build waiting in the database queue, as issuing a pack leaves one for the worker."""

    class Meta:
        model = DBTaskResult

    task_path = "boards.tasks.build_pack_task"
    args_kwargs = factory.Sequence(lambda n: {"args": [n], "kwargs": {}})
    backend_name = "default"


class IdentityProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentityProvider

    class Params:
        secret = "a client secret"

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.LazyAttribute(lambda p: f"{p.authority.name} account")
    issuer = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"
    client_id = "tracker-site"
    email_domains = factory.LazyAttribute(lambda p: f"{p.authority.slug}.gov.uk")
    client_secret_encrypted = factory.LazyAttribute(lambda p: secrets.encrypt(p.secret))


class IdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Identity

    provider = factory.SubFactory(IdentityProviderFactory)
    subject = factory.Sequence(lambda n: f"subject-{n}")
    user = factory.SubFactory(UserFactory)
