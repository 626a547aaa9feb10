import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.models import Pack
from boards.services import AS_AT_IN_FUTURE
from tests.boards.conftest import pdf_pages
from tests.factories import PackFactory


# The story is told once for this module; each test reads it afresh in its own savepoint.
@pytest.fixture
def cast(db, story_told_once):
    return story_told_once.fresh()


@pytest.fixture
def story(cast):
    return cast.story


@pytest.fixture
def officer(cast):
    return cast.officer


@pytest.fixture
def chair(cast):
    return cast.chair


@pytest.fixture
def improvement_lead(cast):
    return cast.story.improvement_lead


def _issue_url(story):
    return reverse("boards:issue", kwargs={"pk": story.board.pk, "slug": story.plan.slug})


def _form(story, **fields):
    return {"as_at": story.today.strftime("%d/%m/%Y"), "meeting": story.meeting.pk, **fields}


def test_a_chair_downloads_an_issued_pack_from_the_board_page(client, story, chair, issued):
    client.force_login(chair)

    page = client.get(reverse("boards:board", kwargs={"pk": story.board.pk}))
    download = client.get(reverse("boards:download", kwargs={"pk": issued.pk}))

    assert page.status_code == 200
    assert reverse("boards:download", kwargs={"pk": issued.pk}) in page.text
    assert f"{story.today:%-d %B %Y}" in page.text
    assert "Issue a board pack" not in page.text
    assert download["Content-Type"] == "application/pdf"
    assert issued.filename in download["Content-Disposition"]
    assert len(pdf_pages(b"".join(download.streaming_content))) == issued.pages


def test_an_officer_cannot_issue_a_pack_and_nothing_is_created(client, story, officer):
    client.force_login(officer)

    form = client.get(_issue_url(story))
    post = client.post(_issue_url(story), _form(story))

    # The officer may not read the board's packs, so the board is as good as missing to them.
    assert (form.status_code, post.status_code) == (404, 404)
    assert not Pack.objects.exists()


def test_an_officer_cannot_read_the_board_or_its_packs(client, story, officer, issued):
    client.force_login(officer)

    assert client.get(reverse("boards:board", kwargs={"pk": story.board.pk})).status_code == 404
    assert client.get(reverse("boards:download", kwargs={"pk": issued.pk})).status_code == 404
    assert client.get(reverse("boards:preview", kwargs={"pk": issued.pk})).status_code == 404


def test_an_improvement_lead_issues_a_pack_and_sees_it_issued(
    client, story, improvement_lead, django_capture_on_commit_callbacks
):
    client.force_login(improvement_lead)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_issue_url(story), _form(story))

    pack = Pack.objects.get()
    assert response.url == reverse("boards:pack", kwargs={"pk": pack.pk})
    status = client.get(response.url)
    assert (pack.status, pack.issued_by, pack.meeting) == (
        Pack.PackStatus.ISSUED,
        improvement_lead,
        story.meeting,
    )
    assert "Issued" in status.text
    assert reverse("boards:download", kwargs={"pk": pack.pk}) in status.text
    assert 'http-equiv="refresh"' not in status.text


def test_the_status_page_refreshes_itself_while_the_pack_builds(client, story, improvement_lead):
    client.force_login(improvement_lead)

    # Without running on-commit callbacks the background build never starts.
    response = client.post(_issue_url(story), _form(story))
    status = client.get(response.url)

    assert Pack.objects.get().status == Pack.PackStatus.BUILDING
    assert "Building" in status.text
    assert 'http-equiv="refresh"' in status.text
    assert (
        client.get(reverse("boards:download", kwargs={"pk": Pack.objects.get().pk})).status_code
        == 404
    )


def test_an_as_at_date_in_the_future_is_refused_with_a_message(client, story, improvement_lead):
    client.force_login(improvement_lead)
    tomorrow = story.today + datetime.timedelta(days=1)

    response = client.post(_issue_url(story), _form(story, as_at=tomorrow.strftime("%d/%m/%Y")))

    assert response.status_code == 200
    assert AS_AT_IN_FUTURE in response.text
    assert not Pack.objects.exists()


def test_the_pack_reads_in_the_browser_from_its_snapshot(client, story, chair, issued):
    client.force_login(chair)

    preview = client.get(reverse("boards:preview", kwargs={"pk": issued.pk}))

    assert preview.status_code == 200
    assert '<html lang="en-GB">' in preview.text
    assert '<h2 id="exceptions-title">Exceptions (' in preview.text
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in preview.text


def test_an_improvement_lead_previews_a_draft_before_issuing(client, story, improvement_lead):
    client.force_login(improvement_lead)
    url = reverse("boards:draft", kwargs={"pk": story.board.pk, "slug": story.plan.slug})

    draft = client.get(url, {"as_at": story.today.strftime("%d/%m/%Y")})

    assert 'class="draft-mark"' in draft.text
    assert "Recruit ten permanent social workers" in draft.text
    assert not Pack.objects.exists()


def _issued_pack(story, day):
    return PackFactory(plan=story.plan, board=story.board, as_at=day)


def test_the_board_page_costs_the_same_queries_whatever_the_number_of_packs(
    client, story, chair, django_assert_num_queries
):
    client.force_login(chair)
    url = reverse("boards:board", kwargs={"pk": story.board.pk})
    _issued_pack(story, story.two_months_ago)
    client.get("/")  # the session's idle clock, written on the first request only
    with CaptureQueriesContext(connection) as one_pack:
        client.get(url)
    for days in (10, 20, 30):
        _issued_pack(story, story.today - datetime.timedelta(days=days))

    with django_assert_num_queries(len(one_pack)):
        page = client.get(url)

    assert page.text.count("Reading copy (PDF, 1 page)") == 4
    assert page.text.count("Archive copy with the full action plan (PDF, 2 pages)") == 4


def test_an_improvement_lead_sees_the_issue_form_with_meetings_of_the_board(
    client, story, improvement_lead
):
    client.force_login(improvement_lead)

    page = client.get(_issue_url(story))

    assert page.status_code == 200
    assert '<label class="govuk-label govuk-label--s" for="id_as_at">As at</label>' in page.text
    assert f'<option value="{story.meeting.pk}">' in page.text


def test_a_failed_build_shows_why_and_a_retry_reuses_its_version(
    client, story, improvement_lead, django_capture_on_commit_callbacks
):
    failed = Pack.objects.create(
        plan=story.plan,
        board=story.board,
        as_at=story.today,
        status=Pack.PackStatus.FAILED,
        error="OSError: disk full",
    )
    client.force_login(improvement_lead)

    status = client.get(reverse("boards:pack", kwargs={"pk": failed.pk}))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_issue_url(story), _form(story))

    assert "Failed" in status.text
    assert "OSError: disk full" in status.text
    assert reverse("boards:retry", kwargs={"pk": failed.pk}) in status.text
    retried = Pack.objects.get()
    assert (retried.pk, retried.version, retried.status, retried.error) == (
        failed.pk,
        1,
        Pack.PackStatus.ISSUED,
        "",
    )


def test_an_officer_cannot_preview_a_draft(client, story, officer):
    client.force_login(officer)
    url = reverse("boards:draft", kwargs={"pk": story.board.pk, "slug": story.plan.slug})

    assert client.get(url, {"as_at": story.today.isoformat()}).status_code == 404


def test_the_admin_lists_packs_but_cannot_change_one(client, admin_user, issued):
    client.force_login(admin_user)

    listing = client.get(reverse("admin:boards_pack_changelist"))
    change = client.post(
        reverse("admin:boards_pack_change", args=[issued.pk]), {"reason": "tampered"}
    )

    assert listing.status_code == 200
    assert str(issued) in listing.text
    assert change.status_code == 403
    issued.refresh_from_db()
    assert issued.reason == ""


def _before_history(story):
    return story.two_months_ago - datetime.timedelta(days=1)


def test_the_issue_form_says_when_the_plans_history_begins(client, story, improvement_lead):
    client.force_login(improvement_lead)

    page = client.get(_issue_url(story))

    text = html.unescape(page.text)
    assert f"The plan's recorded history begins on {story.two_months_ago:%-d %B %Y}." in text
    assert 'name="before_history_confirmed" type="checkbox"' in page.text


def test_a_pack_dated_before_the_history_is_refused_without_the_confirmation(
    client, story, improvement_lead
):
    client.force_login(improvement_lead)
    day = _before_history(story)

    response = client.post(_issue_url(story), _form(story, as_at=day.strftime("%d/%m/%Y")))

    assert response.status_code == 200
    text = html.unescape(response.text)
    assert (
        f"This pack is dated before the plan's recorded history begins on "
        f"{story.two_months_ago:%-d %B %Y}" in text
    )
    assert "Tick the box to confirm" in text
    assert not Pack.objects.exists()


def test_a_confirmed_pack_dated_before_the_history_carries_the_warning_on_its_cover(
    client, story, improvement_lead, django_capture_on_commit_callbacks
):
    client.force_login(improvement_lead)
    day = _before_history(story)
    form = _form(story, as_at=day.strftime("%d/%m/%Y"), before_history_confirmed="on")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_issue_url(story), form)

    pack = Pack.objects.get()
    assert pack.status == Pack.PackStatus.ISSUED
    with pack.pdf.open("rb") as stored:
        cover = " ".join(pdf_pages(stored.read())[0].split())
    assert (
        f"This pack is dated before the plan's recorded history begins on "
        f"{story.two_months_ago:%-d %B %Y}" in cover
    )


def test_a_pack_on_the_day_the_history_begins_needs_no_confirmation(
    client, story, improvement_lead
):
    client.force_login(improvement_lead)
    day = story.two_months_ago.strftime("%d/%m/%Y")

    response = client.post(_issue_url(story), _form(story, as_at=day))

    assert response.status_code == 302
    assert Pack.objects.get().as_at == story.two_months_ago
