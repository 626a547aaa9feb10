"""The demo plan (Wirral 2016, loaded once for the module) through the whole pack pipeline: the
monthly packs it issued, a pack as at today, and a pack dated before the history begins."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from boards.demo import PLAN_SLUG
from boards.models import Pack
from boards.pack.history import history_begins_on
from boards.pack.snapshot import pack_snapshot
from boards.services import issue_pack
from improvement.models import DONE_STATUSES, Action, Plan, PlanRole, Rag, Risk
from improvement.rag import derive_action_rag, is_overdue
from tests.boards.conftest import pdf_pages
from tests.boards.demo_fixture import load_demo_twice

SECTIONS = (
    "At a glance",
    "Movement since the last pack",
    "Key actions",
    "Exceptions",
    "Recommendations",
    "Measures",
    "Risk register",
    "Board action log",
)
APPENDIX = "Appendix: the full action plan"
MOVES = (
    "improved",
    "declined",
    "completed",
    "newly_overdue",
    "due_revised",
    "new_actions",
    "risks_rose",
    "risks_fell",
)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from load_demo_twice(django_db_blocker, tmp_path_factory.mktemp("media"))


@pytest.fixture
def plan(loaded, db):
    return Plan.objects.get(slug=PLAN_SLUG)


@pytest.fixture
def demo_packs(plan):
    return list(Pack.objects.filter(plan=plan, status=Pack.PackStatus.ISSUED).order_by("as_at"))


@pytest.fixture
def todays_pack(plan, django_capture_on_commit_callbacks):
    board = plan.boards.get()
    as_at = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        pack = issue_pack(plan=plan, board=board, as_at=as_at, by=None)
    pack.refresh_from_db()
    with pack.pdf.open("rb") as stored:
        return pack, pdf_pages(stored.read())


def test_each_monthly_pack_shows_what_moved_since_the_one_before(demo_packs):
    baseline, *monthly = demo_packs

    assert baseline.snapshot["movement"]["previous_as_at"] is None
    assert monthly
    for before, pack in zip(demo_packs, monthly, strict=False):
        movement = pack.snapshot["movement"]
        assert movement["previous_as_at"] == before.as_at.isoformat()
        assert sum(len(movement[kind]) for kind in MOVES) > 0, pack.as_at
        assert not pack.snapshot["before_history"]


def test_the_monthly_packs_report_the_months_progress_figures(demo_packs):
    last = demo_packs[-1].snapshot
    rags = {a["rag"] for a in last["actions"]}

    assert {Rag.GREEN, Rag.AMBER} <= rags
    assert any(a["due_revisions"] for a in last["actions"])
    assert all(m["target"] is not None and m["values"] for m in last["measures"])


def test_the_pack_as_at_today_has_every_section_with_the_plans_figures(todays_pack):
    pack, pages = todays_pack
    today = timezone.localdate()
    actions = list(Action.objects.filter(plan=pack.plan))
    done = sum(1 for a in actions if a.status in DONE_STATUSES)
    overdue = sum(1 for a in actions if is_overdue(due_on=a.due_on, status=a.status, today=today))
    text = re.sub(r"\s+", " ", " ".join(pages))

    assert pack.status == Pack.PackStatus.ISSUED
    assert pack.pages == len(pages)
    percent = round(100 * done / len(actions))
    assert (
        f"{len(actions)} actions; {done} complete ({percent}% complete); {overdue} overdue." in text
    )
    assert "Overdue by " in text
    contents = re.sub(r"\s+", " ", pages[1])
    for title in SECTIONS:
        listed = re.search(rf"{re.escape(title)} (\d+)", contents)
        assert listed, title
        assert title in pages[int(listed[1]) - 1], f"{title} is not on page {listed[1]}"
    assert APPENDIX not in text
    with pack.archive_pdf.open("rb") as stored:
        archive = pdf_pages(stored.read())
    listed = re.search(rf"{APPENDIX} (\d+)", re.sub(r"\s+", " ", archive[1]))
    assert pack.archive_pages == len(archive) > len(pages)
    assert APPENDIX in archive[int(listed[1]) - 1]
    for rec in pack.plan.recommendations():
        # One row of the coverage table per recommendation: its reference, then its words.
        words = re.sub(r"\s+", " ", rec.text).strip()[:40]
        assert f"{rec.reference} {words}" in text
    for risk in Risk.objects.filter(plan=pack.plan, status=Risk.RiskStatus.OPEN):
        assert f"{risk.reference} " in text
    for measure in pack.plan.measures.all():
        assert measure.name[:40] in text
    assert len(pack.snapshot["actions"]) == len(actions)
    assert "recorded history begins" not in pages[0]


def _expected_theme_rows(plan, today) -> list[str]:
    order = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.NOT_RATED]
    rows = []
    for theme in plan.themes.order_by("order", "name"):
        actions = Action.objects.filter(plan=plan, theme=theme).select_related("plan")
        rags = [derive_action_rag(a, today=today).rag for a in actions]
        counts = " ".join(str(rags.count(rag)) for rag in order)
        rows.append(f"{theme.name} {counts} {len(rags)}")
    return rows


def test_the_pack_as_at_today_summary_matches_the_plan_theme_by_theme(todays_pack):
    pack, pages = todays_pack
    text = re.sub(r"\s+", " ", " ".join(pages))
    glance = text[text.index("At a glance") : text.index("Decisions for the board")]
    # Each count is followed by its change since the last pack, in brackets: "12 (+1)".
    summary = re.sub(r" \((?:[+−]\d+|0)\)", "", glance)

    for row in _expected_theme_rows(pack.plan, timezone.localdate()):
        assert row in summary


def test_a_draft_dated_before_the_demos_history_says_so_on_its_cover(plan, client):
    begins = history_begins_on(plan)
    lead = plan.roles.filter(role=PlanRole.Role.IMPROVEMENT_LEAD).first().user
    client.force_login(lead)
    url = reverse("boards:draft", kwargs={"pk": plan.boards.get().pk, "slug": plan.slug})

    before = client.get(url, {"as_at": (begins - datetime.timedelta(days=1)).isoformat()})
    on_the_day = client.get(url, {"as_at": begins.isoformat()})

    assert begins == plan.starts_on
    assert f"recorded history begins on {begins:%-d %B %Y}" in before.text
    assert "recorded history begins" not in on_the_day.text


def test_a_pack_tied_to_the_meeting_the_board_held_carries_that_meetings_action_log(plan):
    board = plan.boards.get()
    meeting = board.meetings.get()

    snapshot = pack_snapshot(plan=plan, as_at=timezone.localdate(), board=board, meeting=meeting)

    assert meeting.held_on <= timezone.localdate()
    assert len(snapshot["meeting_actions"]) == meeting.actions.count() > 0
