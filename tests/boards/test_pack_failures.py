"""A pack that fails to build, or is left building by a process that died: chairs are told it
could not be built, improvement leads see why and retry it."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from boards.models import Pack
from boards.services import PACK_ALREADY_BUILDING, issue_pack, minutes
from boards.views import PACK_COULD_NOT_BE_BUILT, PACK_RETRY_STARTED
from improvement.models import PlanRole
from tests import factories


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
def clock(monkeypatch):
    """The only thing mocked: the time, so a build can be made to look 31 minutes old."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    frozen = Clock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


@pytest.fixture
def member(story):
    user = factories.UserFactory(username="member")
    factories.PlanRoleFactory(plan=story.plan, user=user, role=PlanRole.Role.BOARD_MEMBER)
    return user


@pytest.fixture
def old_pack(story):
    """Last month's pack as an earlier release issued it, before snapshots listed the actions.
    This month's movement is measured against it and cannot be: a real input that breaks the
    build, with no mock of the pipeline."""
    return factories.PackFactory(
        plan=story.plan,
        board=story.board,
        as_at=story.two_months_ago,
        snapshot={"as_at": story.two_months_ago.isoformat()},
    )


@pytest.fixture
def failed(story, old_pack, django_capture_on_commit_callbacks, caplog):
    with (
        caplog.at_level(logging.ERROR, logger="boards.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        pack = issue_pack(
            plan=story.plan, board=story.board, as_at=story.today, by=story.improvement_lead
        )
    pack.refresh_from_db()
    return pack


def _page(client, user, pack):
    client.force_login(user)
    return client.get(reverse("boards:pack", kwargs={"pk": pack.pk}))


def _retry(client, pack, **kwargs):
    return client.post(reverse("boards:retry", kwargs={"pk": pack.pk}), **kwargs)


def test_a_failed_build_is_recorded_logged_and_the_improvement_lead_told(failed, story, caplog):
    assert (failed.status, failed.error) == (Pack.PackStatus.FAILED, "KeyError: 'actions'")
    built = caplog.get_records("setup")
    logged = [r for r in built if r.getMessage().endswith("failed to build")]
    assert logged[0].exc_info[0] is KeyError
    assert [message.to for message in mail.outbox] == [[story.improvement_lead.email]]
    assert failed.get_absolute_url() in mail.outbox[0].body
    assert "KeyError" not in mail.outbox[0].body


@pytest.mark.parametrize("reader", ["chair", "member"])
def test_a_board_reader_is_told_the_pack_could_not_be_built_and_never_why(
    client, failed, reader, request
):
    page = _page(client, request.getfixturevalue(reader), failed)

    assert page.status_code == 200
    assert PACK_COULD_NOT_BE_BUILT in page.text
    assert "KeyError" not in page.text
    assert escape(failed.error) not in page.text
    assert reverse("boards:retry", kwargs={"pk": failed.pk}) not in page.text


def test_the_improvement_lead_sees_the_error_and_a_retry_button(client, failed, story):
    page = _page(client, story.improvement_lead, failed)

    assert escape("KeyError: 'actions'") in page.text
    assert PACK_COULD_NOT_BE_BUILT not in page.text
    assert f'action="{reverse("boards:retry", kwargs={"pk": failed.pk})}"' in page.text
    assert 'name="csrfmiddlewaretoken"' in page.text


def test_a_retry_after_the_cause_is_corrected_issues_the_pack_in_place(
    client, failed, old_pack, story, django_capture_on_commit_callbacks
):
    # The cause put right the only way an issued pack can be: a corrected version of it.
    with django_capture_on_commit_callbacks(execute=True):
        issue_pack(
            plan=story.plan,
            board=story.board,
            as_at=old_pack.as_at,
            by=story.improvement_lead,
            reason="Reissued with the actions listed.",
        )
    client.force_login(story.improvement_lead)

    with django_capture_on_commit_callbacks(execute=True):
        response = _retry(client, failed)
    page = client.get(response.url)

    retried = Pack.objects.get(pk=failed.pk)
    assert (retried.version, retried.status, retried.error, retried.issued_by) == (
        1,
        Pack.PackStatus.ISSUED,
        "",
        story.improvement_lead,
    )
    assert Pack.objects.filter(as_at=story.today).count() == 1
    assert response.url == failed.get_absolute_url()
    assert PACK_RETRY_STARTED in page.text
    assert "Reading copy (PDF" in page.text
    assert "Archive copy with the full action plan (PDF" in page.text


def test_a_retry_that_fails_again_stays_failed_with_its_error(
    client, failed, story, django_capture_on_commit_callbacks
):
    client.force_login(story.improvement_lead)

    with django_capture_on_commit_callbacks(execute=True):
        _retry(client, failed)

    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.version) == (
        Pack.PackStatus.FAILED,
        "KeyError: 'actions'",
        1,
    )


def test_only_an_improvement_lead_may_retry(client, failed, chair, officer):
    started = failed.build_started_at
    client.force_login(chair)
    as_chair = _retry(client, failed)
    client.force_login(officer)
    as_officer = _retry(client, failed)
    client.logout()
    anonymous = _retry(client, failed)

    assert (as_chair.status_code, as_officer.status_code, anonymous.status_code) == (403, 404, 302)
    assert anonymous.url.startswith(reverse("login"))
    failed.refresh_from_db()
    assert (failed.status, failed.build_started_at) == (Pack.PackStatus.FAILED, started)


def test_retry_is_a_post_with_a_csrf_token(failed, story):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(story.improvement_lead)

    get = browser.get(reverse("boards:retry", kwargs={"pk": failed.pk}))
    forged = _retry(browser, failed)

    assert (get.status_code, forged.status_code) == (405, 403)
    failed.refresh_from_db()
    assert failed.status == Pack.PackStatus.FAILED


# Stuck builds -----------------------------------------------------------------------------------


@pytest.fixture
def building(story, clock):
    """A pack whose build never ran: on-commit callbacks are not run, as when a worker dies."""
    return issue_pack(plan=story.plan, board=story.board, as_at=story.today, by=None)


def test_a_pack_building_past_the_time_limit_can_be_retried_by_the_improvement_lead(
    client, building, story, clock, django_capture_on_commit_callbacks
):
    requested_at = building.requested_at
    clock.advance(minutes=31)

    page = _page(client, story.improvement_lead, building)
    with django_capture_on_commit_callbacks(execute=True):
        _retry(client, building)

    assert "Stuck" in page.text
    assert 'http-equiv="refresh"' not in page.text
    assert reverse("boards:retry", kwargs={"pk": building.pk}) in page.text
    retried = Pack.objects.get(pk=building.pk)
    assert (retried.status, retried.version, retried.requested_at) == (
        Pack.PackStatus.ISSUED,
        1,
        requested_at,
    )
    assert retried.build_started_at == clock.now
    assert retried.issued_by == story.improvement_lead


def test_a_pack_building_for_five_minutes_cannot_be_retried_yet(
    client, building, story, clock, django_capture_on_commit_callbacks
):
    started = building.build_started_at
    clock.advance(minutes=5)

    page = _page(client, story.improvement_lead, building)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _retry(client, building, follow=True)

    assert reverse("boards:retry", kwargs={"pk": building.pk}) not in page.text
    assert 'http-equiv="refresh"' in page.text
    assert PACK_ALREADY_BUILDING % {"wait": minutes(25)} in response.text
    assert callbacks == []
    building.refresh_from_db()
    assert (building.status, building.build_started_at) == (Pack.PackStatus.BUILDING, started)


def test_issuing_again_waits_for_a_pack_still_building_and_reuses_a_stuck_one(
    building, story, clock, django_capture_on_commit_callbacks
):
    clock.advance(minutes=29, seconds=30)
    with pytest.raises(ValidationError) as refused:
        issue_pack(plan=story.plan, board=story.board, as_at=story.today, by=None)
    clock.advance(seconds=30)
    with django_capture_on_commit_callbacks(execute=True):
        again = issue_pack(plan=story.plan, board=story.board, as_at=story.today, by=None)

    assert refused.value.message_dict == {"as_at": [PACK_ALREADY_BUILDING % {"wait": minutes(1)}]}
    again.refresh_from_db()
    assert (again.pk, again.version, again.status) == (building.pk, 1, Pack.PackStatus.ISSUED)


def test_a_board_reader_of_a_stuck_pack_is_offered_no_retry(client, building, chair, clock):
    clock.advance(minutes=31)

    page = _page(client, chair, building)

    assert "Building" in page.text
    assert reverse("boards:retry", kwargs={"pk": building.pk}) not in page.text
    client.force_login(chair)
    assert _retry(client, building).status_code == 403
