"""The demo plan (Wirral 2016, loaded by boards/demo.py) through the whole pack pipeline."""

import re

import pytest
from django.utils import timezone

from boards.demo import load_demo
from boards.models import Pack
from boards.services import issue_pack
from improvement.models import DONE_STATUSES, Action, Rag, Risk
from improvement.rag import derive_action_rag, is_overdue
from tests.boards.conftest import pdf_pages

SECTIONS = (
    "Summary",
    "Exceptions",
    "Recommendations",
    "Measures",
    "Risk register",
    "Board action log",
    "Appendix: the full action plan",
)


@pytest.fixture
def demo_pack(db, django_capture_on_commit_callbacks):
    plan = load_demo().plan
    with django_capture_on_commit_callbacks(execute=True):
        pack = issue_pack(plan=plan, board=plan.boards.get(), as_at=timezone.localdate(), by=None)
    pack.refresh_from_db()
    with pack.pdf.open("rb") as stored:
        return pack, pdf_pages(stored.read())


def test_the_demo_pack_has_every_section_with_the_plans_figures(demo_pack):
    pack, pages = demo_pack
    today = timezone.localdate()
    actions = list(Action.objects.filter(plan=pack.plan))
    done = sum(1 for a in actions if a.status in DONE_STATUSES)
    overdue = sum(1 for a in actions if is_overdue(due_on=a.due_on, status=a.status, today=today))
    text = re.sub(r"\s+", " ", " ".join(pages))

    assert pack.status == Pack.PackStatus.ISSUED
    assert pack.pages == len(pages)
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    percent = round(100 * done / len(actions))
    assert (
        f"{len(actions)} actions; {done} complete ({percent}% complete); {overdue} overdue." in text
    )
    assert f"Overdue actions ({overdue})" in text
    for title in SECTIONS:
        assert re.search(rf"{re.escape(title)} \.+ \d+", re.sub(r"\s+", " ", pages[1])), title
    recommendations = pack.plan.recommendations()
    for rec in recommendations:
        assert f"Recommendation {rec.reference}:" in text
    for risk in Risk.objects.filter(plan=pack.plan, status=Risk.RiskStatus.OPEN):
        assert f"{risk.reference} " in text
    for measure in pack.plan.measures.all():
        assert measure.name[:40] in text
    assert len(pack.snapshot["actions"]) == len(actions)


def _expected_theme_rows(plan, today) -> list[str]:
    order = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.NOT_RATED]
    rows = []
    for theme in plan.themes.order_by("order", "name"):
        actions = Action.objects.filter(plan=plan, theme=theme).select_related("plan")
        rags = [derive_action_rag(a, today=today).rag for a in actions]
        counts = " ".join(str(rags.count(rag)) for rag in order)
        rows.append(f"{theme.name} {counts} {len(rags)}")
    return rows


def _expected_coverage(plan) -> str:
    fully = partly = none = 0
    for rec in plan.recommendations():
        linked = list(rec.actions.filter(plan=plan))
        if not linked:
            none += 1
        elif all(a.status in DONE_STATUSES for a in linked):
            fully += 1
        else:
            partly += 1
    return f"Fully covered {fully} Partly covered {partly} Not covered {none}"


def test_the_demo_pack_summary_matches_the_plan_theme_by_theme(demo_pack):
    pack, pages = demo_pack
    text = re.sub(r"\s+", " ", " ".join(pages))
    summary = text[text.index("Summary 1") : text.index("Exceptions Open actions")]

    for row in _expected_theme_rows(pack.plan, timezone.localdate()):
        assert row in summary
    assert _expected_coverage(pack.plan) in summary
