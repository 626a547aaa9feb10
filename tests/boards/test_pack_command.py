import datetime

import pytest
from django.core.management import CommandError, call_command

from boards.models import Pack
from tests.boards.conftest import pdf_pages


def test_without_issue_the_command_writes_a_draft_on_every_page_and_stores_nothing(story, tmp_path):
    out, html = tmp_path / "pack.pdf", tmp_path / "pack.html"

    call_command(
        "board_pack",
        "--plan",
        story.plan.slug,
        "--as-at",
        story.today.isoformat(),
        "--meeting",
        str(story.meeting.pk),
        "--out",
        str(out),
        "--html",
        str(html),
    )

    pages = pdf_pages(out.read_bytes())
    assert all("DRAFT" in page for page in pages)
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert "Recruit ten permanent social workers" in html.read_text()
    assert not Pack.objects.exists()


def test_with_issue_the_command_stores_the_pack_and_writes_its_pdf(story, tmp_path):
    out = tmp_path / "pack.pdf"

    call_command(
        "board_pack",
        "--plan",
        story.plan.slug,
        "--as-at",
        story.today.isoformat(),
        "--issue",
        "--out",
        str(out),
    )

    pack = Pack.objects.get()
    assert pack.status == Pack.PackStatus.ISSUED
    with pack.pdf.open("rb") as stored:
        assert out.read_bytes() == stored.read()
    assert not any("DRAFT" in page for page in pdf_pages(out.read_bytes()))


def test_an_unknown_plan_is_an_error_not_a_traceback(db, tmp_path):
    with pytest.raises(CommandError, match="No plan with slug 'nowhere'"):
        call_command(
            "board_pack",
            "--plan",
            "nowhere",
            "--as-at",
            "2018-01-31",
            "--out",
            str(tmp_path / "x.pdf"),
        )


def _issue_before_history(story, tmp_path, *flags):
    day = story.two_months_ago - datetime.timedelta(days=1)
    call_command(
        "board_pack",
        "--plan",
        story.plan.slug,
        "--as-at",
        day.isoformat(),
        "--issue",
        *flags,
        "--out",
        str(tmp_path / "pack.pdf"),
    )


def test_issuing_a_pack_dated_before_the_history_needs_the_flag(story, tmp_path):
    with pytest.raises(CommandError) as refused:
        _issue_before_history(story, tmp_path)

    begins = f"{story.two_months_ago:%-d %B %Y}"
    assert f"dated before the plan's recorded history begins on {begins}" in str(refused.value)
    assert "Add --before-history to issue it anyway." in str(refused.value)
    assert not Pack.objects.exists()


def test_with_the_flag_the_pack_is_issued_and_its_cover_warns(story, tmp_path):
    _issue_before_history(story, tmp_path, "--before-history")

    assert Pack.objects.get().status == Pack.PackStatus.ISSUED
    cover = " ".join(pdf_pages((tmp_path / "pack.pdf").read_bytes())[0].split())
    assert "dated before the plan's recorded history begins" in cover
