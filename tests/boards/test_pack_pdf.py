import io
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from boards.models import Pack
from boards.pack.render import (
    APPENDIX_ELSEWHERE,
    FetchRefused,
    StaticOnlyFetcher,
    render_html,
    render_pdf,
)
from boards.services import CORRECTION_NEEDS_REASON, PackIsFinal, build_pack, issue_pack
from improvement.models import Rag, Status
from improvement.services import record_progress
from tests.boards.conftest import MARKUP, pdf_pages

SECTIONS = [
    "At a glance",
    "Movement since the last pack",
    "Key actions",
    "Exceptions",
    "Recommendations",
    "Measures",
    "Risk register",
    "Board action log",
]


# The story and its pack are built once for this module: rendering a PDF takes seconds. Each
# test reads them afresh in its own savepoint, so what one test writes, the next never sees.
@pytest.fixture
def cast(db, story_issued_once):
    return story_issued_once.fresh()


@pytest.fixture
def story(cast):
    return cast.story


@pytest.fixture
def issued(cast):
    return cast.pack


@pytest.fixture
def officer(cast):
    return cast.officer


def _stored_pdf(pack: Pack) -> bytes:
    with pack.pdf.open("rb") as handle:
        return handle.read()


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_an_issued_pack_has_every_section_and_a_running_header_and_footer(story, issued):
    pages = pdf_pages(_stored_pdf(issued))

    assert issued.status == Pack.PackStatus.ISSUED
    assert issued.pages == len(pages) > 5
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert settings.PROTECTIVE_MARKING in text
        assert "Anytown improvement plan" in text
        assert f"As at {story.today:%-d %B %Y}" in text
        assert "DRAFT" not in text
    cover = _flat(pages[0])
    assert "Anytown Improvement Board" in cover
    assert "Pack version 1" in cover
    assert f"Meeting {story.meeting.held_on:%-d %B %Y}" in cover
    contents = _flat(pages[1])
    for title in SECTIONS:
        assert re.search(rf"{re.escape(title)} ?\d+", contents), title
        start = int(re.search(rf"{re.escape(title)} ?(\d+)", contents)[1])
        # Sections flow on: the contents names the page each one's heading is on.
        assert re.search(rf"^\s*{re.escape(title)}", pages[start - 1], re.MULTILINE), title
    # The reading copy: the full action plan is left to the archive copy, and it says so.
    assert "Appendix: the full action plan" not in " ".join(pages)
    assert APPENDIX_ELSEWHERE in contents


def test_the_summary_counts_actions_by_rag_and_theme_coverage_and_movement(issued):
    text = _flat(" ".join(pdf_pages(_stored_pdf(issued))))
    summary = text[text.index("At a glance 5 actions") : text.index("Exceptions (")]

    assert "5 actions; 1 complete (20% complete); 1 overdue." in summary
    # Theme rows: Red, Amber, Green, Blue, Not rated, Total, Complete, Overdue.
    assert "People 1 1 0 0 0 2 0 (0%) 1" in summary
    assert "Practice 1 0 0 1 1 3 1 (33%) 0" in summary
    assert "All themes 2 1 0 1 1 5 1 (20%) 1" in summary
    assert "Of 3 recommendations: fully covered 1, partly covered 1, not covered 1." in summary
    assert "This is the first issued pack for this plan" in summary
    assert "P1 Recruit ten permanent social workers" in summary  # the key action


def test_exceptions_list_red_overdue_stale_and_disagreeing_actions(issued):
    text = _flat(" ".join(pdf_pages(_stored_pdf(issued))))

    # Each open action once, with every reason it is there.
    exceptions = text[text.index("Exceptions (") : text.index("Recommendations Each")]
    assert "Exceptions (4)" in exceptions
    assert exceptions.count("Overdue by ") == 1
    assert "Overdue by 2 months" in exceptions
    assert "RAG disagreement: reported Green, shown Red" in exceptions
    assert "On track, says the service." in text  # latest commentary


def test_measures_risks_and_the_board_action_log(issued):
    text = _flat(" ".join(pdf_pages(_stored_pdf(issued))))

    # One table row per measure: target, latest, previous, change, direction, RAG.
    assert "Visits in time (%) 90 86 M14 84 M13 +2 (better) Higher Amber" in text
    assert "No values yet: Caseloads per worker." in text
    assert "No values recorded" not in text
    # Heat map before controls: R1 at likelihood 4 × impact 5, R2 at 2 × 2.
    assert "Likelihood 1 2 3 4 5 5 0 0 0 0 0 4 0 0 0 0 1 3 0 0 0 0 0 2 0 1 0 0 0" in text
    assert "R1 Social workers leave Head of Safeguarding 20 (L4 × I5) 9 (L3 × I3) None set" in text
    assert re.search(
        r"R2 Data is unreliable [^()]+ 4 \(L2 × I2\) Not assessed after controls", text
    )
    assert "Report agency numbers" in text
    assert "Closed item" not in text


def test_the_pdf_is_tagged_with_a_title_and_language(issued):
    reader = PdfReader(io.BytesIO(_stored_pdf(issued)))
    catalog = reader.trailer["/Root"]

    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("Anytown Improvement Board pack: Anytown")


def test_changing_the_plan_after_issue_changes_neither_the_pdf_nor_a_re_render(
    story, issued, officer
):
    stored = _stored_pdf(issued)
    before = pdf_pages(render_pdf(render_html(issued.snapshot, version=1)).pdf)
    p1 = story.actions["P1"]

    record_progress(
        action=p1,
        by=officer,
        expected_version=p1.version,
        progress_rag=Rag.GREEN,
        status=Status.COMPLETE,
        commentary="All ten posts filled.",
    )
    issued.refresh_from_db()

    assert _stored_pdf(issued) == stored
    after = pdf_pages(render_pdf(render_html(issued.snapshot, version=1)).pdf)
    assert after == before
    assert "All ten posts filled." not in " ".join(after)


def test_an_issued_pack_is_final_and_a_correction_is_a_new_version_with_a_reason(
    story, issued, django_capture_on_commit_callbacks
):
    stored = _stored_pdf(issued)
    with pytest.raises(PackIsFinal):
        build_pack(pack_id=issued.pk)
    with pytest.raises(ValidationError) as refused:
        issue_pack(plan=story.plan, board=story.board, as_at=story.today, by=None)
    assert refused.value.message_dict == {"reason": [CORRECTION_NEEDS_REASON]}
    assert Pack.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        correction = issue_pack(
            plan=story.plan,
            board=story.board,
            as_at=story.today,
            by=None,
            reason="Risk scores were entered the wrong way round.",
        )

    correction.refresh_from_db()
    issued.refresh_from_db()
    assert (correction.version, correction.status) == (2, Pack.PackStatus.ISSUED)
    assert "Pack version 2" in _flat(pdf_pages(_stored_pdf(correction))[0])
    assert _stored_pdf(issued) == stored


def test_markup_in_user_text_is_printed_as_text_and_fetches_nothing(issued):
    fetcher = StaticOnlyFetcher()
    html = render_html(issued.snapshot, version=1)

    rendered = render_pdf(html, fetcher=fetcher)

    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert MARKUP in _flat(" ".join(pdf_pages(rendered.pdf)))
    assert not [url for url in fetcher.requested if "passwd" in url or url.startswith("file:")]
    assert {url.split(":")[0] for url in fetcher.requested} == {"https", "data"}
    assert [u for u in fetcher.requested if u.startswith("https")] == [
        "https://pack.invalid/static/boards/pack.css",
        "https://pack.invalid/static/boards/fonts/LiberationSans-Regular.ttf",
        "https://pack.invalid/static/boards/fonts/LiberationSans-Bold.ttf",
        "https://pack.invalid/static/boards/fonts/Symbola-symbols.ttf",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/logo.png",
        "https://pack.invalid/static/../../config/settings.py",
        "https://pack.invalid/static/%2e%2e/manage.py",
        "https://pack.invalid/media/evidence/report.pdf",
        "https://pack.invalid/static/boards/pack.css?x=file:///etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_the_apps_static_files(url):
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_pack_stylesheet():
    response = StaticOnlyFetcher().fetch("https://pack.invalid/static/boards/pack.css")

    assert b"@page" in response.read()
    assert response.content_type == "text/css"
