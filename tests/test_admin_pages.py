"""Every model in the admin renders for a superuser, and a changelist costs the same number of
queries whatever its row count. The registry is walked, so a newly registered model is covered
(and fails until it has a row builder below)."""

import factory
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f


def _users(n):
    f.UserFactory.create_batch(n)


def _groups(n):
    for _ in range(n):
        Group.objects.create(name=f"Group {Group.objects.count() + 1}")


def _in_plan(factory, **parents):
    def build(n):
        plan = f.PlanFactory()
        factory.create_batch(n, plan=plan, **{k: v(plan) for k, v in parents.items()})

    return build


def _under(factory, parent_name, parent_factory):
    def build(n):
        factory.create_batch(n, **{parent_name: parent_factory()})

    return build


def _actions(n):
    plan = f.PlanFactory()
    recommendation = f.RecommendationFactory()
    lead, period = f.LeadFactory(), f.PeriodFactory(plan=plan)
    for action in f.ActionFactory.create_batch(n, plan=plan, lead=lead, period=period):
        action.recommendations.add(recommendation)


def _updates(n):
    f.ProgressUpdateFactory.create_batch(n, action=f.ActionFactory(), by=f.UserFactory())


def _leads(n):
    user = f.UserFactory()
    for lead in f.LeadFactory.create_batch(n):
        lead.users.add(user)


def _risks(n):
    f.RiskFactory.create_batch(n, plan=f.PlanFactory(), owner=f.LeadFactory())


def _meeting_actions(n):
    f.MeetingActionFactory.create_batch(n, meeting=f.MeetingFactory(), owner=f.LeadFactory())


def _sign_in_records(model, **fields):
    def build(n):
        start = model.objects.count()
        model.objects.bulk_create(
            model(
                username=f"user{start + i}",
                ip_address="192.0.2.1",
                user_agent="Mozilla/5.0",
                path_info="/accounts/login/",
                **fields,
            )
            for i in range(n)
        )

    return build


def _devices(model):
    def build(n):
        model.objects.bulk_create(
            model(user=user, name="Authenticator app", confirmed=True)
            for user in f.UserFactory.create_batch(n)
        )

    return build


ROW_BUILDERS = {
    "authorities.Authority": lambda n: f.AuthorityFactory.create_batch(
        n, name=factory.Sequence(lambda i: f"Borough {i} Council")
    ),
    "sso.IdentityProvider": lambda n: f.IdentityProviderFactory.create_batch(
        n, name=factory.Sequence(lambda i: f"Council account {i}")
    ),
    "auth.User": _users,
    "auth.Group": _groups,
    "inspections.Inspection": lambda n: f.InspectionFactory.create_batch(n),
    "inspections.Judgement": _under(f.JudgementFactory, "inspection", f.InspectionFactory),
    "inspections.Recommendation": _under(
        f.RecommendationFactory, "inspection", f.InspectionFactory
    ),
    "inspections.MonitoringVisit": lambda n: f.MonitoringVisitFactory.create_batch(n),
    "improvement.Plan": lambda n: f.PlanFactory.create_batch(n),
    "improvement.PlanRole": _in_plan(f.PlanRoleFactory),
    "improvement.Lead": _leads,
    "improvement.Theme": _in_plan(f.ThemeFactory, lead=lambda plan: f.LeadFactory()),
    "improvement.Period": _in_plan(f.PeriodFactory),
    "improvement.Objective": _in_plan(
        f.ObjectiveFactory, theme=lambda plan: f.ThemeFactory(plan=plan)
    ),
    "improvement.Action": _actions,
    "improvement.ProgressUpdate": _updates,
    "improvement.Milestone": _under(f.MilestoneFactory, "action", f.ActionFactory),
    "improvement.Evidence": _under(f.EvidenceFactory, "action", f.ActionFactory),
    "improvement.Measure": _in_plan(f.MeasureFactory),
    "improvement.MeasureValue": _under(f.MeasureValueFactory, "measure", f.MeasureFactory),
    "improvement.Risk": _risks,
    "boards.Board": lambda n: f.BoardFactory.create_batch(n),
    "boards.Meeting": _under(f.MeetingFactory, "board", f.BoardFactory),
    "boards.Attendance": _under(f.AttendanceFactory, "meeting", f.MeetingFactory),
    "boards.MeetingAction": _meeting_actions,
    "boards.Pack": _in_plan(f.PackFactory, board=lambda plan: f.BoardFactory()),
    "django_tasks_database.DBTaskResult": lambda n: f.TaskResultFactory.create_batch(n),
    "axes.AccessAttempt": _sign_in_records(AccessAttempt, failures_since_start=5),
    "axes.AccessFailureLog": _sign_in_records(AccessFailureLog),
    "axes.AccessLog": _sign_in_records(AccessLog),
    "otp_totp.TOTPDevice": _devices(TOTPDevice),
    "otp_static.StaticDevice": _devices(StaticDevice),
}
# Rows that only a service (or django-axes, at sign-in, or the task queue) writes: the admin
# shows them and refuses to add one.
READ_ONLY = (
    "django_tasks_database.DBTaskResult",
    "improvement.ProgressUpdate",
    "improvement.Evidence",
    "boards.Pack",
    "axes.AccessAttempt",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
)

REGISTERED = sorted(model._meta.label for model in admin.site._registry)


def _model(label):
    return next(m for m in admin.site._registry if m._meta.label == label)


def _url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_every_registered_model_has_a_row_builder():
    assert set(REGISTERED) <= set(ROW_BUILDERS)


@pytest.mark.parametrize("label", REGISTERED)
def test_superuser_sees_changelist_add_and_change_pages(client, admin_user, label):
    model = _model(label)
    ROW_BUILDERS[label](3)
    client.force_login(admin_user)
    obj = model.objects.order_by("pk").last()

    assert client.get(_url(model, "changelist")).status_code == 200
    assert client.get(_url(model, "change", obj.pk)).status_code == 200
    add = client.get(_url(model, "add"))
    assert add.status_code == (403 if label in READ_ONLY else 200)


@pytest.mark.parametrize("label", REGISTERED)
def test_a_changelist_of_500_rows_costs_the_same_queries_as_one_of_5(client, admin_user, label):
    model = _model(label)
    client.force_login(admin_user)
    client.get("/")  # the session's idle clock, written on the first request only
    ROW_BUILDERS[label](5)
    few = _queries_for(client, _url(model, "changelist"))

    ROW_BUILDERS[label](495)
    assert model.objects.count() >= 500
    many = _queries_for(client, _url(model, "changelist"))

    assert many == few
