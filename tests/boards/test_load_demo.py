"""`load_demo` loads the real Wirral 2016 plan through the importer, places it so the plan is live
today, gives it an illustrative past, and running it again changes nothing."""

import csv
import datetime
import inspect
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from authorities.models import Authority
from boards import demo, demo_history, demo_time
from boards.demo import DEMO_LOGINS, FIXTURES, OFFICER_LEAD, PLAN_SLUG, USERS_SKIPPED
from boards.management.commands.demo_logins import NO_DEMO_USERS
from boards.models import Attendance, Board, Meeting, Pack
from improvement.importing.cells import action_reference, parse_due
from improvement.importing.resources import IMPORT_ADDED
from improvement.models import (
    Action,
    Lead,
    Measure,
    MeasureValue,
    Plan,
    PlanRole,
    ProgressUpdate,
    Rag,
    Risk,
    Status,
    due_revision_q,
    normalise_name,
)
from inspections.models import Inspection, Judgement, Recommendation
from tests.boards.demo_fixture import load_demo_twice


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from load_demo_twice(django_db_blocker, tmp_path_factory.mktemp("media"))


@pytest.fixture
def plan(loaded, db):
    return Plan.objects.get(slug=PLAN_SLUG)


@pytest.fixture
def years(plan):
    """How many years on the demo was placed: the plan's first period began in September 2016."""
    return plan.starts_on.year - 2016


def csv_rows(name):
    with (FIXTURES / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def action(reference):
    return Action.objects.get(plan__slug=PLAN_SLUG, reference=reference)


def test_a_second_run_creates_no_rows_no_history_and_changes_no_field(loaded, plan):
    assert loaded.rows_after_second == loaded.rows_after_first
    assert len(loaded.rows_after_first["improvement.Action"]) == 133
    assert len(loaded.rows_after_first["boards.Pack"]) >= 2


def test_loading_gives_every_row_of_the_source_once(plan, years):
    assert plan.inspections.get().title == "Ofsted SIF Wirral 2016"
    assert Recommendation.objects.count() == 26
    assert plan.actions.count() == len(csv_rows("action_plan.csv")) == 133
    measures = {row["measure"] for row in csv_rows("improvement_measures.csv")}
    assert plan.measures.count() == len(measures)
    assert Risk.objects.filter(plan=plan).count() == 7
    meeting = Meeting.objects.get()
    assert meeting.held_on == demo.meeting_day(
        datetime.date(2018, 2, 28), plan=plan, today=timezone.localdate()
    )
    assert plan.starts_on <= meeting.held_on < timezone.localdate()
    assert "Wednesday 28 February 2018" in meeting.title  # the minutes' words stay
    assert meeting.board.plans.get() == plan
    assert meeting.actions.count() == 5
    assert meeting.attendance.filter(kind=Attendance.Kind.PRESENT).count() == 16
    assert meeting.attendance.filter(kind=Attendance.Kind.IN_ATTENDANCE).count() == 5
    assert meeting.attendance.filter(kind=Attendance.Kind.APOLOGIES).count() == 10


def test_the_plans_periods_straddle_today(plan):
    today = timezone.localdate()

    assert plan.starts_on <= today <= plan.ends_on
    periods = list(plan.periods.order_by("starts_on"))
    assert periods[0].starts_on <= today
    assert periods[-1].ends_on >= today
    assert (periods[0].starts_on.month, periods[-1].ends_on.month) == (9, 9)


def test_every_due_date_moved_by_the_same_years_and_the_text_stays_as_written(plan, years):
    shift = demo_time.Shift(years)
    for row in csv_rows("action_plan.csv"):
        reference = action_reference(number=row["no"], period=row["period"], theme=row["theme"])
        imported = action(reference)
        written = parse_due(row["by_when"])
        assert (imported.text, imported.due_text) == (row["action"], written.text), reference
        assert imported.first_due_on == shift.date(written.on), reference


def test_every_action_is_due_within_a_few_years_of_today_and_not_all_are_overdue(plan):
    today = timezone.localdate()
    dated = plan.actions.exclude(due_on=None)

    assert dated.count() >= 120
    for due_on in dated.values_list("due_on", flat=True):
        assert abs((due_on - today).days) <= 3 * 366
    # How many are still to come depends on how far into the plan today falls; on 2 December
    # 2026 it is over a hundred, in late August still the last period's and the revised ones.
    assert dated.filter(due_on__gte=today).exclude(status=Status.COMPLETE).exists()


def test_the_plans_history_begins_on_its_first_day_and_nothing_is_dated_in_the_future(plan):
    first = Action.history.filter(plan_id=plan.pk).order_by("history_date").first()

    assert timezone.localdate(first.history_date) == plan.starts_on
    assert not Action.history.filter(history_date__gt=timezone.now()).exists()
    assert not ProgressUpdate.objects.filter(at__gt=timezone.now()).exists()


def test_several_officers_update_their_actions_every_month(plan):
    # Each action's first update is the import's, on the day the plan began.
    imported = ProgressUpdate.objects.filter(action__plan=plan, commentary=IMPORT_ADDED)
    assert imported.count() == Action.objects.filter(plan=plan).count()
    assert {timezone.localdate(at) for at in imported.values_list("at", flat=True)} == {
        plan.starts_on
    }
    updates = ProgressUpdate.objects.filter(action__plan=plan).exclude(commentary=IMPORT_ADDED)
    months = {timezone.localdate(at).replace(day=1) for at in updates.values_list("at", flat=True)}
    authors = set(updates.values_list("by__username", flat=True))

    expected = demo_history.month_ends(plan.starts_on, timezone.localdate())
    assert len(months) == len(expected) >= 1
    assert len({a for a in authors if a.startswith("illustrative.officer.")}) >= 3
    assert all(u.commentary.startswith("Illustrative") for u in updates)
    assert set(updates.values_list("progress_rag_after", flat=True)) >= {Rag.AMBER, Rag.GREEN}


def test_each_update_and_its_history_row_carry_the_same_time(plan):
    for update in ProgressUpdate.objects.filter(action__plan=plan):
        row = Action.history.get(id=update.action_id, version=update.action_version)
        assert row.history_date == update.at


def test_some_due_dates_were_revised_with_a_reason(plan):
    revisions = ProgressUpdate.objects.filter(due_revision_q(), action__plan=plan)

    assert revisions.exists()
    assert all(r.reason == demo_history.DUE_REASON for r in revisions)
    assert all(r.due_on_after > r.due_on_before for r in revisions)


def test_some_actions_were_signed_off_by_the_improvement_lead(plan):
    signed = ProgressUpdate.objects.filter(
        action__plan=plan,
        status_after=Status.COMPLETE,
        by__username=demo_history.IMPROVEMENT_LEAD_USERNAME,
    )

    assert signed.exists()
    for update in signed:
        assert update.action.status == Status.COMPLETE
        assert update.action.completed_on == timezone.localdate(update.at)


def test_measures_have_a_target_and_a_value_for_each_quarter(plan):
    quarters = demo_history.quarter_ends(timezone.localdate())

    for measure in Measure.objects.filter(plan=plan):
        assert measure.target is not None, measure.name
        endings = set(MeasureValue.objects.filter(measure=measure).values_list("period_ending"))
        assert endings == {(q,) for q in quarters}, measure.name
    assert len(quarters) == 4


def test_risks_scores_moved_over_the_months(plan):
    moved = 0
    for risk in Risk.objects.filter(plan=plan):
        scores = {
            (row.residual_likelihood or row.likelihood) * (row.residual_impact or row.impact)
            for row in Risk.history.filter(id=risk.pk)
        }
        moved += len(scores) > 1
    assert moved >= 2


def test_the_plan_its_leads_inspection_and_board_all_belong_to_wirral_council(plan):
    wirral = Authority.objects.get()
    assert (wirral.name, wirral.slug) == ("Wirral Council", "wirral")
    assert plan.authority == wirral
    assert set(Lead.objects.values_list("authority", flat=True)) == {wirral.pk}
    assert Inspection.objects.get().authority == wirral
    assert Board.objects.get().authority == wirral


def test_inspection_has_its_seven_judgements_with_sub_judgements_under_their_parent(plan):
    inspection = Inspection.objects.get()
    assert (inspection.kind, inspection.overall_grade) == (Inspection.Kind.SIF, "inadequate")
    assert inspection.judgements.count() == 7
    parent = Judgement.objects.get(area="Children looked after and achieving permanence")
    assert set(parent.sub_judgements.values_list("area", flat=True)) == {
        "Adoption performance",
        "The experiences and progress of care leavers",
    }


def test_recommendations_keep_their_order_body_and_words(plan):
    rows = csv_rows("recommendations.csv")
    recommendations = list(Recommendation.objects.order_by("order"))
    assert [r.reference for r in recommendations] == [row["ref"] for row in rows]
    assert [r.text for r in recommendations] == [row["text"] for row in rows]
    assert Recommendation.objects.filter(body="safeguarding").count() == 7


def test_the_registers_scores_stand_as_published(plan):
    totals = {r["no"]: int(r["total"]) for r in csv_rows("risk_register.csv")}
    assert dict(Risk.objects.values_list("reference", "score")) == totals
    risk = Risk.objects.get(reference="2")
    assert risk.owner.name_key == Lead.objects.get(users__username="officer").name_key
    assert risk.review_text == "December 2016"


def test_due_text_that_is_not_a_real_date_is_flagged_kept_and_given_no_date(plan):
    flagged = Action.objects.filter(due_needs_review=True)
    assert flagged.get(reference="SEP16-21").due_text == "31/11/2016"
    assert set(flagged.values_list("reference", flat=True)) >= {"APR17-9", "JUL17-1"}
    assert not flagged.filter(due_on__isnull=False).exists()


def test_the_twelve_key_actions_are_the_ones_marked_in_the_plan(plan):
    keys = {
        f"{'SEP16' if row['period'].startswith('September') else 'JAN17'}-{row['no']}"
        for row in csv_rows("action_plan.csv")
        if row["key_action"] == "true"
    }
    assert set(Action.objects.filter(is_key_action=True).values_list("reference", flat=True)) == (
        keys
    )
    assert len(keys) == 12


def test_what_the_plan_marked_complete_is_complete(plan):
    first_rows = Action.history.filter(plan_id=plan.pk, history_change_reason="spreadsheet import")

    complete = first_rows.filter(status=Status.COMPLETE)
    assert complete.count() == 22
    assert set(complete.values_list("progress_rag", flat=True)) == {Rag.GREEN}


def test_a_lead_cell_of_several_lines_gives_a_lead_and_co_leads(plan):
    shared = action("LSCB-7.3")
    assert shared.lead.name == "Chair of Performance Committee"
    assert sorted(shared.co_leads.values_list("name", flat=True)) == [
        "Quality Auditor",
        "WSCB Business Manager",
    ]


def test_spellings_of_one_post_become_one_lead(plan):
    lead = Lead.objects.get(name__icontains="Children in Need and Child Protection")
    assert lead.actions.count() == 6
    deputy = Lead.objects.filter(
        name__startswith="Deputy Director", name__endswith="Children’s Care Services"
    )
    assert deputy.count() == 1


def test_with_debug_off_no_login_is_created(plan, settings):
    get_user_model().objects.filter(username__in=[d.username for d in DEMO_LOGINS]).delete()
    settings.DEBUG = False
    out = io.StringIO()

    call_command("load_demo", stdout=out)

    assert USERS_SKIPPED in out.getvalue()
    assert not get_user_model().objects.filter(username__in=[d.username for d in DEMO_LOGINS])
    # The authors of the illustrative history cannot sign in.
    assert not any(u.has_usable_password() for u in get_user_model().objects.all())


def test_with_debug_on_the_demo_users_have_their_roles(plan):
    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
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


def test_the_demo_officer_leads_several_actions_some_not_complete(plan):
    lead = Lead.objects.get(users__username="officer")
    assert lead.name_key == normalise_name(OFFICER_LEAD)
    assert lead.actions.count() >= 5
    assert lead.actions.exclude(status=Status.COMPLETE).count() >= 3


def test_demo_logins_prints_each_login_with_its_role(plan):
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    for login in DEMO_LOGINS:
        assert f"{login.username} / {login.password}" in out.getvalue()
        assert login.role in out.getvalue()
        # Every demo user has an address, so notifications and password reset reach them.
        assert f"e-mail {login.username}@wirral-demo.example" in out.getvalue()


def test_demo_logins_says_so_when_there_are_none(plan):
    get_user_model().objects.filter(username__in=[d.username for d in DEMO_LOGINS]).delete()
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    assert out.getvalue().strip() == NO_DEMO_USERS


def test_load_demo_says_the_progress_is_illustrative(loaded):
    assert "illustrative" in loaded.first_output
    assert "133 actions" in loaded.first_output


def test_the_packs_are_issued_monthly_after_a_baseline(plan):
    packs = list(Pack.objects.filter(plan=plan, status=Pack.PackStatus.ISSUED).order_by("as_at"))
    expected = demo_history.pack_dates(plan, today=timezone.localdate())

    assert [p.as_at for p in packs] == expected
    assert all(p.issued_by.username == demo_history.IMPROVEMENT_LEAD_USERNAME for p in packs)


@pytest.mark.parametrize(
    ("today", "held_on"),
    [
        (datetime.date(2026, 12, 2), datetime.date(2026, 11, 28)),
        (datetime.date(2027, 1, 15), datetime.date(2026, 12, 28)),
        (datetime.date(2027, 3, 31), datetime.date(2027, 2, 28)),
    ],
)
def test_the_boards_meeting_was_held_last_month_whatever_day_the_demo_is_loaded(today, held_on):
    class Plan:
        starts_on = datetime.date(2026, 9, 1)

    assert demo.meeting_day(datetime.date(2018, 2, 28), plan=Plan, today=today) == held_on


def test_the_latest_pack_carries_the_boards_action_log(plan):
    latest = Pack.objects.filter(plan=plan, status=Pack.PackStatus.ISSUED).latest("as_at")
    assert len(latest.snapshot["meeting_actions"]) == Meeting.objects.get().actions.count()


def test_even_the_baseline_pack_reads_every_actions_theme_lead_and_recommendations(plan):
    """The structure, leads and links are dated the day the plan began, so no pack undoes them."""
    linked_today = Action.objects.filter(plan=plan, recommendations__isnull=False).distinct()
    for pack in Pack.objects.filter(plan=plan, status=Pack.PackStatus.ISSUED):
        actions = pack.snapshot["actions"]
        assert all(a["lead"] for a in actions), pack.as_at
        assert all(a["theme_id"] for a in actions), pack.as_at
        linked = [a for a in actions if a["recommendation_ids"]]
        assert len(linked) == linked_today.count(), pack.as_at


# The importer reads Wirral's columns; the demo only names its workbooks.
SPREADSHEET_COLUMNS = ('"by_when"', '"key_action"', '"progress_rag"', '"recs"', '"lead"', '"no"')
MAPPING_HELPERS = ("split_leads", "parse_due", "split_references", "action_reference", "csv.")


def test_no_demo_code_maps_spreadsheet_columns():
    for module in (demo, demo_history, demo_time):
        source = inspect.getsource(module)
        for word in (*SPREADSHEET_COLUMNS, *MAPPING_HELPERS[:-1]):
            assert word not in source, (module.__name__, word)
    assert "import_workbook(" in inspect.getsource(demo.import_demo_workbook)
    assert not any(name.endswith(".csv") for name in demo.WORKBOOKS)


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (datetime.date(2026, 12, 2), 10),  # three months into the plan
        (datetime.date(2026, 10, 1), 10),  # its first month just ended
        (datetime.date(2027, 8, 31), 10),  # a month before its end
        (datetime.date(2026, 9, 15), 9),  # in September: the plan ending this month
        (datetime.date(2028, 2, 29), 11),
    ],
)
def test_the_shift_puts_today_inside_the_plan_as_late_as_it_can(today, years):
    starts_on, ends_on = datetime.date(2016, 9, 1), datetime.date(2017, 9, 30)

    shift = demo_time.Shift.to_straddle(starts_on=starts_on, ends_on=ends_on, today=today)

    assert shift.years == years
    assert shift.date(starts_on) < today <= shift.date(ends_on)


def test_a_29_february_lands_on_the_28th_in_a_year_without_one():
    assert demo_time.Shift(1).date(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)


def test_the_monitoring_visit_the_minutes_announce_has_one_finding_with_no_action(plan):
    from improvement.visit_selectors import findings_without_action

    [visit] = plan.visits()
    meeting = Meeting.objects.get(board__plans=plan)
    assert visit.kind == "ofsted_monitoring_visit"
    assert meeting.held_on <= visit.visited_on <= timezone.localdate()
    assert visit.findings.count() == 3
    assert [f.reference for f in findings_without_action(plan)] == ["2"]
    assert all(f.recommendation is not None for f in visit.findings.all())
