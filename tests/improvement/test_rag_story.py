"""One RAG story: a board member reads the plan page, an action's page, the downloaded list and
the board pack for the same day, and every one counts and shows the same RAG: the one the
plan's rule derives, with the one its lead reported beside it where they differ."""

import datetime
import re
from pathlib import Path

import pytest

from boards.pack import sections
from boards.pack.charts import RAG_ORDER
from boards.pack.movement import RAG_RANK
from boards.pack.snapshot import pack_snapshot
from improvement import ratings
from improvement.models import Rag, Status
from improvement.rag import IMPACT_BLUE_NOT_EARNED
from tests import factories
from tests.boards.conftest import backdate_history
from tests.improvement.conftest import TODAY
from tests.improvement.workbooks import read_xlsx

PROJECT = Path(__file__).resolve().parents[2]
DAYS = datetime.timedelta


@pytest.fixture
def as_chair(client, chair):
    client.force_login(chair)
    return client


@pytest.fixture
def plan_of_every_rag(plan, officer_lead):
    """One action of each kind the board sees, as the plan stood the day before TODAY."""

    def action(reference, **fields):
        return factories.ActionFactory(plan=plan, reference=reference, lead=officer_lead, **fields)

    made = {
        "red": action(
            "R1", status=Status.IN_PROGRESS, progress_rag=Rag.RED, due_on=TODAY + DAYS(60)
        ),
        "amber": action(
            "A1", status=Status.NOT_STARTED, progress_rag=Rag.GREEN, due_on=TODAY + DAYS(5)
        ),
        "green": action(
            "G1", status=Status.IN_PROGRESS, progress_rag=Rag.GREEN, due_on=TODAY + DAYS(90)
        ),
        # 3,000 days overdue, reported green: the board must never see it as neutral
        "overdue": action(
            "O1",
            status=Status.IN_PROGRESS,
            progress_rag=Rag.GREEN,
            impact_rag=Rag.BLUE,
            due_on=TODAY - DAYS(3000),
        ),
        "not_rated_overdue": action(
            "O2", status=Status.IN_PROGRESS, progress_rag=Rag.NOT_RATED, due_on=TODAY - DAYS(40)
        ),
        "delivered": action(
            "C1",
            status=Status.COMPLETE,
            progress_rag=Rag.BLUE,
            impact_rag=Rag.BLUE,
            impact_evidence="Re-audit: 94% of plans outcome-focused.",
            due_on=TODAY - DAYS(30),
        ),
        "complete_unevidenced": action(
            "C2", status=Status.COMPLETE, progress_rag=Rag.BLUE, due_on=TODAY - DAYS(30)
        ),
    }
    backdate_history(TODAY - DAYS(1))
    return made


def _page(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    return response


def _shown(page: str, rag: str, reported: str | None = None) -> bool:
    """Whether the page shows this RAG tag, with "(reported ...)" right beside it if given."""
    tag = rf'tracker-rag--{rag}">{Rag(rag).label}</strong>'
    beside = rf'\s*<span class="govuk-body-s tracker-reported">\(reported {reported}\)</span>'
    return re.search(tag + (beside if reported else ""), page) is not None


def test_the_plan_page_counts_what_the_pack_for_the_same_day_counts(
    as_chair, plan, plan_of_every_rag
):
    page_counts = _page(as_chair, plan.get_absolute_url()).context["rag_counts"]
    built = sections.build(pack_snapshot(plan=plan, as_at=TODAY))
    pack_counts = dict(zip(RAG_ORDER, built["summary"]["totals"], strict=True))

    assert page_counts == pack_counts
    assert page_counts == {
        Rag.RED: 3,
        Rag.AMBER: 1,
        Rag.GREEN: 2,
        Rag.BLUE: 1,
        Rag.NOT_RATED: 0,
    }


def test_an_overdue_action_reported_green_reads_red_with_reported_green_beside_it(
    as_chair, plan, plan_of_every_rag
):
    overdue = plan_of_every_rag["overdue"]

    plan_page = _page(as_chair, plan.get_absolute_url()).content.decode()
    action_page = _page(as_chair, overdue.get_absolute_url()).content.decode()
    download = _page(as_chair, f"/plans/{plan.slug}/actions.xlsx", q="O1")

    assert _shown(plan_page, Rag.RED, reported="Green")
    assert _shown(action_page, Rag.RED, reported="Green")
    assert "3000 days overdue" in action_page
    header, *rows = read_xlsx(download.content)["Actions"][3:]
    row = dict(zip(header, rows[0], strict=True))
    assert (row["Reference"], row["RAG"], row["Reported RAG"]) == ("O1", "Red", "Green")


def test_an_overdue_action_nobody_rated_is_red_not_a_grey_not_rated(
    as_chair, plan, plan_of_every_rag
):
    page = _page(as_chair, plan_of_every_rag["not_rated_overdue"].get_absolute_url())

    assert page.context["action"].derived.rag == Rag.RED
    assert _shown(page.content.decode(), Rag.RED, reported="Not rated")


@pytest.mark.parametrize(
    ("query", "references"),
    [
        ({"rag": Rag.RED}, ["R1", "O1", "O2"]),
        ({"progress_rag": Rag.RED}, ["R1"]),
        ({"rag": Rag.GREEN}, ["G1", "C2"]),
        ({"progress_rag": Rag.GREEN}, ["A1", "G1", "O1"]),
        ({"rag": Rag.BLUE}, ["C1"]),
        ({"progress_rag": Rag.BLUE}, ["C1", "C2"]),
        ({"rag": Rag.AMBER, "progress_rag": Rag.GREEN}, ["A1"]),
    ],
)
def test_the_derived_and_the_reported_rag_filters_each_select_their_actions(
    as_chair, plan, plan_of_every_rag, query, references
):
    response = _page(as_chair, plan.get_absolute_url(), **query)

    assert sorted(a.reference for a in response.context["actions"]) == sorted(references)


def test_the_downloaded_list_filtered_by_derived_rag_holds_the_same_actions(
    as_chair, plan, plan_of_every_rag
):
    download = _page(as_chair, f"/plans/{plan.slug}/actions.xlsx", rag=Rag.RED)

    sheet = read_xlsx(download.content)["Actions"]
    assert sheet[1][0] == "Filtered: RAG is Red"
    assert sorted(row[0] for row in sheet[4:]) == ["O1", "O2", "R1"]


def test_blue_is_only_for_an_action_complete_and_evidenced(as_chair, plan, plan_of_every_rag):
    page = _page(as_chair, plan.get_absolute_url()).content.decode()
    unevidenced = _page(as_chair, plan_of_every_rag["complete_unevidenced"].get_absolute_url())

    assert _shown(page, Rag.BLUE)  # C1: complete, signed off, impact evidenced
    assert unevidenced.context["action"].derived.rag == Rag.GREEN
    assert _shown(unevidenced.content.decode(), Rag.GREEN, reported="Blue")
    assert "Complete, impact not evidenced" in unevidenced.content.decode()


def test_the_action_page_shows_impact_blue_only_once_delivered(as_chair, plan_of_every_rag):
    delivered = _page(as_chair, plan_of_every_rag["delivered"].get_absolute_url())
    open_action = _page(as_chair, plan_of_every_rag["overdue"].get_absolute_url())

    assert delivered.context["action"].derived.impact == Rag.BLUE
    assert open_action.context["action"].derived.impact == Rag.GREEN
    assert IMPACT_BLUE_NOT_EARNED.capitalize() in open_action.content.decode()


def test_the_pack_shows_each_actions_reported_and_impact_rag_beside_the_derived_one(
    plan, plan_of_every_rag
):
    built = sections.build(pack_snapshot(plan=plan, as_at=TODAY))
    rows = {
        a["reference"]: a
        for theme in built["appendix"]
        for objective in theme["objectives"]
        for a in objective["actions"]
    }

    overdue, delivered = rows["O1"], rows["C1"]
    assert (overdue["rag"], overdue["reported_differs"], overdue["progress_rag_label"]) == (
        Rag.RED,
        True,
        "Green",
    )
    assert (overdue["impact_rag_shown"], overdue["impact_note"]) == (
        Rag.GREEN,
        IMPACT_BLUE_NOT_EARNED,
    )
    assert (delivered["rag"], delivered["impact_rag_shown"]) == (Rag.BLUE, Rag.BLUE)


def _project_sources():
    for app in ("improvement", "boards", "inspections", "authorities", "config"):
        for path in (PROJECT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.relative_to(PROJECT).as_posix(), path.read_text()


def test_the_rag_severity_order_and_the_due_soon_window_are_each_written_once():
    # Three RAGs listed in a row is an order; an assignment of a due-soon number is a window.
    order = re.compile(r"Rag\.\w+,\s*Rag\.\w+,\s*Rag\.\w+")
    window = re.compile(r"^\s*\w*DUE_SOON\w*\s*=", re.MULTILINE)

    sources = dict(_project_sources())

    assert [path for path, text in sources.items() if order.search(text)] == [
        "improvement/ratings.py"
    ]
    assert [path for path, text in sources.items() if window.search(text)] == [
        "improvement/ratings.py"
    ]
    assert list(RAG_RANK) == [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE]
    assert ratings.severity(Rag.RED) < ratings.severity(Rag.NOT_RATED) < ratings.severity(Rag.GREEN)


def test_the_pages_and_the_pack_use_the_one_due_soon_window(client, officer, plan_of_every_rag):
    client.force_login(officer)

    home = _page(client, "/").content.decode()

    assert f"Due in the next {ratings.DUE_SOON_DAYS} days" in home
    key = dict(sections.RAG_KEY)
    assert f"due within {ratings.DUE_SOON_DAYS} days" in key[Rag.AMBER]
