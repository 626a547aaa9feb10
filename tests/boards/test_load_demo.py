"""`load_demo` loads the real Wirral 2016 plan, every quirk of the source handled, and running it
again changes nothing."""

import csv
import datetime
import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from authorities.models import Authority
from boards.demo import (
    DEMO_LOGINS,
    FIXTURES,
    OFFICER_LEAD,
    PLAN_SLUG,
    USERS_CREATED,
    USERS_SKIPPED,
)
from boards.management.commands.demo_logins import NO_DEMO_USERS
from boards.models import Attendance, Board, Meeting
from improvement.models import Action, Lead, Measure, Plan, PlanRole, Rag, Risk, Status
from inspections.models import Inspection, Judgement, Recommendation

pytestmark = pytest.mark.django_db


def csv_rows(name):
    with (FIXTURES / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def action(reference):
    return Action.objects.get(plan__slug=PLAN_SLUG, reference=reference)


def snapshot():
    """Every row of every model, history tables included, as plain values."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_models()
        if model._meta.app_label in {"authorities", "inspections", "improvement", "boards", "auth"}
    }


def test_loading_twice_gives_every_row_of_the_source_once():
    load_demo()
    load_demo()

    plan = Plan.objects.get(slug=PLAN_SLUG)
    assert plan.inspections.get().title == "Ofsted SIF Wirral 2016"
    assert Recommendation.objects.count() == 26
    assert plan.actions.count() == len(csv_rows("action_plan.csv")) == 133
    measures = {row["measure"] for row in csv_rows("improvement_measures.csv")}
    assert plan.measures.count() == len(measures)
    meeting = Meeting.objects.get()
    assert meeting.held_on == datetime.date(2018, 2, 28)
    assert meeting.board.plans.get() == plan
    assert meeting.actions.count() == 5
    assert meeting.attendance.filter(kind=Attendance.Kind.PRESENT).count() == 16
    assert meeting.attendance.filter(kind=Attendance.Kind.IN_ATTENDANCE).count() == 5
    assert meeting.attendance.filter(kind=Attendance.Kind.APOLOGIES).count() == 10


def test_second_run_creates_no_rows_no_history_and_changes_no_field(settings):
    settings.DEBUG = True
    load_demo()
    before = snapshot()

    load_demo()

    assert snapshot() == before
    assert len(before["improvement.HistoricalAction"]) == 133
    assert len(before["auth.User"]) == len(DEMO_LOGINS)


def test_the_plan_its_leads_inspection_and_board_all_belong_to_wirral_council():
    load_demo()

    wirral = Authority.objects.get()
    assert (wirral.name, wirral.slug) == ("Wirral Council", "wirral")
    plan = Plan.objects.get(slug=PLAN_SLUG)
    assert plan.authority == wirral
    assert set(Lead.objects.values_list("authority", flat=True)) == {wirral.pk}
    assert Inspection.objects.get().authority == wirral
    assert Board.objects.get().authority == wirral


def test_inspection_has_its_seven_judgements_with_sub_judgements_under_their_parent():
    load_demo()

    inspection = Inspection.objects.get()
    assert (inspection.kind, inspection.authority.name, inspection.overall_grade) == (
        Inspection.Kind.SIF,
        "Wirral Council",
        "inadequate",
    )
    assert inspection.judgements.count() == 7
    parent = Judgement.objects.get(area="Children looked after and achieving permanence")
    assert set(parent.sub_judgements.values_list("area", flat=True)) == {
        "Adoption performance",
        "The experiences and progress of care leavers",
    }


def test_recommendations_keep_their_order_and_body():
    load_demo()

    references = list(Recommendation.objects.values_list("reference", flat=True))
    assert references == [r["ref"] for r in csv_rows("recommendations.csv")]
    assert Recommendation.objects.filter(body="safeguarding").count() == 7


def test_risk_scores_follow_likelihood_times_impact_as_in_the_register():
    load_demo()

    totals = {r["no"]: int(r["total"]) for r in csv_rows("risk_register.csv")}
    scores = dict(Risk.objects.values_list("reference", "score"))
    assert scores == totals
    assert len(scores) == 7
    risk = Risk.objects.get(reference="2")
    assert risk.owner.name == "Deputy Director Children’s Care Services"
    assert risk.review_text == "December 2016"


UNDATED = {
    "SEP16-21": "31/11/2016",
    "APR17-9": "31/04/2017",
    "APR17-10": "31/04/2017",
    "SEP16-6": "Start 31/12/2016 then on going",
    "SEP16-9": "Start 31/12/2016 then on going",
    "JAN17-57": "Start 01/01/2017 then on going",
    "APR17-3": "On going",
    "APR17-4": "On going",
    "JUL17-1": "On going",
    "JUL17-2": "On going",
    "JUL17-3": "On going",
    "JUL17-4": "On going",
}


def test_due_text_that_is_not_a_real_date_is_flagged_kept_and_given_no_date():
    load_demo()

    flagged = Action.objects.filter(due_needs_review=True)
    assert dict(flagged.values_list("reference", "due_text")) == UNDATED
    assert not flagged.filter(due_on__isnull=False).exists()


def test_every_other_action_has_a_real_due_date():
    load_demo()

    assert not Action.objects.filter(due_needs_review=False, due_on=None).exists()
    assert action("JAN17-22").due_on is not None


def test_lscb_7_1_keeps_its_odd_but_real_date():
    load_demo()

    lscb = action("LSCB-7.1")
    assert (lscb.due_on, lscb.due_text, lscb.due_needs_review) == (
        datetime.date(2016, 2, 28),
        "28/02/2016",
        False,
    )


def test_references_come_from_period_and_number_and_link_their_recommendations():
    load_demo()

    sep4 = action("SEP16-4")
    assert sep4.number == "4"
    assert sep4.period.code == "SEP16"
    assert list(sep4.recommendations.values_list("reference", flat=True)) == ["5", "15"]
    assert action("JAN17-22").theme.name == "Practice"
    assert list(action("LSCB-6.4").recommendations.values_list("reference", flat=True)) == ["SB6"]
    assert not action("SEP16-1").recommendations.exists()


def test_the_twelve_key_actions_are_the_ones_marked_in_the_plan():
    load_demo()

    assert set(Action.objects.filter(is_key_action=True).values_list("reference", flat=True)) == {
        "SEP16-4",
        "SEP16-9",
        "SEP16-10",
        "SEP16-21",
        "JAN17-5",
        "JAN17-14",
        "JAN17-17",
        "JAN17-22",
        "JAN17-23",
        "JAN17-48",
        "JAN17-58",
        "JAN17-60",
    }


def test_complete_in_the_plan_means_complete_and_green():
    load_demo()

    completes = sum(r["progress_rag"] == "Complete" for r in csv_rows("action_plan.csv"))
    done = Action.objects.filter(status=Status.COMPLETE)
    assert done.count() == completes == 22
    assert set(done.values_list("progress_rag", flat=True)) == {Rag.GREEN}


def test_a_lead_cell_of_several_lines_gives_a_lead_and_co_leads():
    load_demo()

    shared = action("LSCB-7.3")
    assert shared.lead.name == "Chair of Performance Committee"
    assert sorted(shared.co_leads.values_list("name", flat=True)) == [
        "Quality Auditor",
        "WSCB Business Manager",
    ]
    assert not action("SEP16-1").co_leads.exists()


def test_spellings_of_one_post_become_one_lead():
    load_demo()

    lead = Lead.objects.get(name__icontains="Children in Need and Child Protection")
    assert lead.actions.count() == 6
    assert Lead.objects.filter(name__startswith="Deputy Director Children’s Care").count() == 1


def test_with_debug_off_the_data_loads_but_no_user_is_created(settings):
    settings.DEBUG = False

    output = load_demo()

    assert USERS_SKIPPED in output
    assert not get_user_model().objects.exists()
    assert Action.objects.count() == 133


def test_with_debug_on_the_demo_users_have_their_roles(settings):
    settings.DEBUG = True

    assert USERS_CREATED in load_demo()

    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
    plan = Plan.objects.get(slug=PLAN_SLUG)
    assert PlanRole.objects.filter(
        plan=plan, user__username="improvement.lead", role=PlanRole.Role.IMPROVEMENT_LEAD
    ).exists()
    chair = users.get(username="chair")
    board = Board.objects.get()
    assert board.chair == chair
    assert board.members.filter(pk=chair.pk).exists()
    assert PlanRole.objects.filter(plan=plan, user=chair, role=PlanRole.Role.BOARD_CHAIR).exists()
    for login in DEMO_LOGINS:
        assert users.get(username=login.username).check_password(login.password)


def test_the_demo_officer_leads_several_actions_some_not_complete(settings):
    settings.DEBUG = True
    load_demo()

    lead = Lead.objects.get(users__username="officer")
    assert lead.name == OFFICER_LEAD
    assert lead.actions.count() >= 5
    assert lead.actions.exclude(status=Status.COMPLETE).count() >= 3


def test_demo_logins_prints_each_login_with_its_role(settings):
    settings.DEBUG = True
    load_demo()
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    for login in DEMO_LOGINS:
        assert f"{login.username} / {login.password}" in out.getvalue()
        assert login.role in out.getvalue()
    assert OFFICER_LEAD in out.getvalue()


def test_demo_logins_says_so_when_there_are_none():
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    assert out.getvalue().strip() == NO_DEMO_USERS


def test_measures_are_linked_to_their_themes_and_have_no_invented_values():
    load_demo()

    assert Measure.objects.get(name="Referral rate").themes.get().name == "Practice"
    assert not Measure.objects.filter(values__isnull=False).exists()
