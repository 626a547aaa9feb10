"""A pack in two copies from one snapshot: the reading copy the board reads, and the archive
copy that adds the full action plan. Both are stored when the pack is issued, and both are
final."""

import re

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from boards.models import Pack, PackIsFinal
from boards.pack.render import APPENDIX_ELSEWHERE
from improvement.models import PlanRole
from tests import factories
from tests.boards.conftest import pdf_pages
from tests.conftest import plan_role_holder

APPENDIX = "Appendix: the full action plan"


@pytest.fixture
def cast(db, story_issued_once):
    return story_issued_once.fresh()


@pytest.fixture
def issued(cast):
    return cast.pack


def _pages(field) -> list[str]:
    with field.open("rb") as handle:
        return pdf_pages(handle.read())


def _flat(pages: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(pages))


def _archive_url(pack) -> str:
    return reverse("boards:archive", kwargs={"pk": pack.pk})


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_reading_copy_leaves_out_the_full_action_plan_and_says_where_it_is(issued):
    reading = _pages(issued.pdf)

    assert APPENDIX not in _flat(reading)
    assert APPENDIX_ELSEWHERE in _flat(reading[:2])
    # The risk controls stay in both copies.
    assert "Appendix: risk controls" in _flat(reading)


def test_the_archive_copy_has_the_full_action_plan_with_every_action(issued, cast):
    archive = _pages(issued.archive_pdf)
    text = _flat(archive)
    contents = _flat(archive[1:2])

    start = int(re.search(rf"{APPENDIX} (\d+)", contents)[1])
    assert archive[start - 1].lstrip().startswith(APPENDIX)
    appendix = _flat(archive[start - 1 :])
    for reference, action in cast.story.actions.items():
        assert f"{reference} {action.text[:30]}" in appendix, reference
    assert APPENDIX_ELSEWHERE not in text
    assert "Appendix: risk controls" in text
    assert issued.archive_pages == len(archive) > issued.pages == len(_pages(issued.pdf))


def test_both_copies_come_from_the_one_snapshot_and_print_the_same_figures(issued):
    reading, archive = _flat(_pages(issued.pdf)), _flat(_pages(issued.archive_pdf))

    def up_to(text: str, end: str) -> str:
        # The running footer's "Page n of N" differs: N is larger in the archive copy.
        text = re.sub(r"Page \d+ of \d+", "", text)
        start = text.index("At a glance 5 actions")
        return text[start : text.index(end, start)]

    assert "5 actions; 1 complete (20% complete); 1 overdue." in reading
    assert up_to(reading, "Appendix: risk controls") == up_to(archive, APPENDIX)
    assert issued.archive_filename.endswith(f"-v{issued.version}-archive.pdf")
    assert issued.archive_pdf.name != issued.pdf.name


@pytest.mark.parametrize("persona", ["chair", "improvement_lead"])
def test_people_who_read_the_boards_packs_download_the_archive_copy(cast, issued, persona):
    reader = cast.chair if persona == "chair" else cast.story.improvement_lead
    with issued.archive_pdf.storage.open(issued.archive_pdf.name, "rb") as stored:
        archive = stored.read()

    response = _as(reader).get(_archive_url(issued))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{issued.plan.slug}-board-pack-'
        f'{issued.as_at:%Y-%m-%d}-v{issued.version}-archive.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == archive


def test_an_officer_or_a_stranger_is_told_there_is_no_archive_copy(cast, issued):
    stranger = factories.UserFactory(username="stranger")

    for user in (cast.officer, stranger):
        response = _as(user).get(_archive_url(issued))
        assert response.status_code == 404
        assert "Content-Disposition" not in response
    assert Client().get(_archive_url(issued))["Location"].startswith(reverse("login"))


def test_a_pack_issued_before_there_were_two_copies_has_no_archive_download(cast):
    chair = cast.chair
    older = factories.PackFactory(
        plan=cast.story.plan, board=cast.story.board, archive_pdf="", archive_pages=None
    )
    board_page = _as(chair).get(reverse("boards:board", kwargs={"pk": older.board.pk}))
    pack_page = _as(chair).get(older.get_absolute_url())

    assert _as(chair).get(_archive_url(older)).status_code == 404
    assert _as(chair).get(reverse("boards:download", kwargs={"pk": older.pk})).status_code == 200
    assert _archive_url(older) not in board_page.text
    assert _archive_url(older) not in pack_page.text
    assert "Reading copy (PDF, 1 page)" in pack_page.text


@pytest.mark.parametrize("status", ["building", "failed"])
def test_a_pack_not_issued_has_no_archive_copy_to_download(cast, status):
    unissued = factories.PackFactory(
        plan=cast.story.plan, board=cast.story.board, status=status, issued_at=None
    )

    assert _as(cast.chair).get(_archive_url(unissued)).status_code == 404


def test_the_pack_page_and_the_board_page_link_both_copies(cast, issued):
    member = plan_role_holder(cast.story.plan, username="member", role=PlanRole.Role.BOARD_MEMBER)
    pack_page = _as(member).get(issued.get_absolute_url()).text
    board_page = _as(member).get(reverse("boards:board", kwargs={"pk": issued.board.pk})).text

    for page in (pack_page, board_page):
        assert reverse("boards:download", kwargs={"pk": issued.pk}) in page
        assert _archive_url(issued) in page
        assert f"Reading copy (PDF, {issued.pages} pages)" in page
        assert f"Archive copy with the full action plan (PDF, {issued.archive_pages} pages)" in page


def test_an_issued_packs_archive_copy_is_final_like_its_reading_copy(issued):
    stored = issued.archive_pdf.name

    issued.archive_pdf = "packs/another.pdf"
    with pytest.raises(PackIsFinal):
        issued.save()
    with pytest.raises(PackIsFinal):
        Pack.objects.filter(pk=issued.pk).update(archive_pdf="", archive_pages=None)
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            Pack._base_manager.filter(pk=issued.pk).update(archive_pdf="packs/another.pdf")

    issued.refresh_from_db()
    assert issued.archive_pdf.name == stored


def test_the_command_writes_the_archive_copy_with_archive(cast, tmp_path):
    story = cast.story
    reading, archive = tmp_path / "reading.pdf", tmp_path / "archive.pdf"

    def board_pack(out, *flags):
        call_command(
            "board_pack",
            "--plan",
            story.plan.slug,
            "--as-at",
            story.today.isoformat(),
            *flags,
            "--out",
            str(out),
        )

    board_pack(archive, "--archive")
    board_pack(reading)

    archive_text = _flat(pdf_pages(archive.read_bytes()))
    reading_text = _flat(pdf_pages(reading.read_bytes()))
    assert APPENDIX in archive_text
    assert APPENDIX not in reading_text
    assert "DRAFT" in archive_text
    assert Pack.objects.count() == 1  # the story's own issued pack: drafts store nothing


def test_the_command_issues_and_writes_the_stored_archive_copy(cast, tmp_path):
    story = cast.story
    out = tmp_path / "archive.pdf"

    call_command(
        "board_pack",
        "--plan",
        story.plan.slug,
        "--as-at",
        story.two_months_ago.isoformat(),
        "--issue",
        "--archive",
        "--out",
        str(out),
    )

    pack = Pack.objects.get(as_at=story.two_months_ago)
    with pack.archive_pdf.open("rb") as stored:
        assert out.read_bytes() == stored.read()
    assert APPENDIX in _flat(pdf_pages(out.read_bytes()))
