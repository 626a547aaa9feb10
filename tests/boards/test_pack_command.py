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
