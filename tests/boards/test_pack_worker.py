"""A pack is built off the request, by the worker: the improvement lead issues it and is shown
the status page at once, which says how far the build has gone until the pack is issued.

The worker is the real one (`manage.py db_worker`, the database backend) against the test
database, in batch mode: it runs what is queued and stops. The tests commit for real
(transaction=True), as the worker reads only what the request committed.
"""

import datetime
import signal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from boards import services
from boards.models import Pack
from boards.pack import pipeline
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def tasks_go_to_the_database():
    with override_settings(TASKS=DATABASE_BACKEND):
        yield


@pytest.fixture
def run_worker():
    """The worker command, until nothing is left to run. It sets its own handlers for Ctrl-C
    and TERM; the test process gets its own back."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def run():
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0
        )

    yield run
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


@pytest.fixture
def lead(client, story):
    client.force_login(story.improvement_lead)
    return client


@pytest.fixture
def chair_reads(chair):
    reader = Client()
    reader.force_login(chair)
    return lambda pack: reader.get(pack.get_absolute_url()).text


@pytest.fixture
def stages_seen(monkeypatch, chair_reads):
    """What the chair's status page says as the worker reaches each step of the build."""
    seen = {}

    def watching(step, name):
        def step_watched(*args, **kwargs):
            # The worker has committed the stage: any other connection would read it too.
            assert not connection.in_atomic_block
            seen[name] = chair_reads(Pack.objects.get())
            return step(*args, **kwargs)

        monkeypatch.setattr(pipeline, name, step_watched)

    watching(pipeline.pack_snapshot, "pack_snapshot")
    watching(pipeline.render_pdf, "render_pdf")
    return seen


def _builds():
    # The queue also carries what the pack's issue tells people (notices' tasks).
    return DBTaskResult.objects.filter(task_path="boards.tasks.build_pack_task")


def _issue(client, story):
    url = reverse("boards:issue", kwargs={"pk": story.board.pk, "slug": story.plan.slug})
    return client.post(url, {"as_at": story.today.isoformat(), "meeting": story.meeting.pk})


def test_issuing_answers_at_once_and_the_worker_builds_the_pack_through_its_stages(
    lead, story, run_worker, stages_seen, chair_reads
):
    response = _issue(lead, story)

    pack = Pack.objects.get()
    assert response.status_code == 302
    assert response.url == pack.get_absolute_url()
    # Nothing was built in the request: the pack waits for the worker, its task in the queue.
    assert (pack.status, pack.stage, pack.pdf.name) == ("building", "queued", "")
    assert _builds().get().status == TaskResultStatus.READY
    page = lead.get(response.url).text
    assert "Waiting for the worker. This page refreshes itself" in page
    assert '<meta http-equiv="refresh" content="3">' in page

    run_worker()

    assert "<strong>Reading the plan as at the date</strong> (now)" in stages_seen["pack_snapshot"]
    assert "Waiting for the worker (done)" in stages_seen["pack_snapshot"]
    assert "<strong>Laying out the PDF</strong> (now)" in stages_seen["render_pdf"]
    assert "Reading the plan as at the date (done)" in stages_seen["render_pdf"]
    assert all('http-equiv="refresh"' in page for page in stages_seen.values())
    pack.refresh_from_db()
    assert (pack.status, pack.stage, pack.issued_by) == ("issued", "stored", story.improvement_lead)
    assert pack.pdf.read().startswith(b"%PDF")
    assert _builds().get().status == TaskResultStatus.SUCCESSFUL
    page = chair_reads(pack)
    assert "Issued" in page
    assert "Reading copy (PDF," in page
    assert 'http-equiv="refresh"' not in page


def test_a_build_that_fails_in_the_worker_is_recorded_failed_and_the_lead_told(
    lead, story, run_worker, chair_reads
):
    # Last month's pack as an earlier release issued it, with no actions in its snapshot: this
    # month's movement cannot be measured against it (a real input that breaks the build).
    factories.PackFactory(
        plan=story.plan,
        board=story.board,
        as_at=story.today - datetime.timedelta(days=30),
        snapshot={"as_at": "earlier"},
    )
    _issue(lead, story)
    pack = Pack.objects.get(as_at=story.today)

    run_worker()

    pack.refresh_from_db()
    assert (pack.status, pack.stage) == ("failed", "snapshot")
    assert pack.error == "KeyError: 'actions'"
    assert _builds().get().status == TaskResultStatus.FAILED
    assert [message.to for message in mail.outbox] == [[story.improvement_lead.email]]
    lead_page = lead.get(pack.get_absolute_url()).text
    failed_at = "The pack could not be built (at the stage: reading the plan as at the date)"
    assert failed_at in lead_page
    assert 'action="' + reverse("boards:retry", kwargs={"pk": pack.pk}) in lead_page
    assert "This pack could not be built. The improvement lead has been told." in chair_reads(pack)


def test_a_retry_goes_back_to_the_queue_and_the_worker_issues_it(lead, story, run_worker):
    broken = factories.PackFactory(
        plan=story.plan,
        board=story.board,
        as_at=story.today - datetime.timedelta(days=30),
        snapshot={"as_at": "earlier"},
    )
    _issue(lead, story)
    run_worker()
    pack = Pack.objects.get(as_at=story.today, status="failed")
    # The cause put right the only way an issued pack can be: a corrected version of it.
    services.issue_pack(
        plan=story.plan,
        board=story.board,
        as_at=broken.as_at,
        by=story.improvement_lead,
        reason="Reissued with the actions listed.",
    )
    run_worker()

    lead.post(reverse("boards:retry", kwargs={"pk": pack.pk}))
    pack.refresh_from_db()
    assert (pack.status, pack.stage, pack.error) == ("building", "queued", "")
    run_worker()

    pack.refresh_from_db()
    assert (pack.status, pack.stage, pack.version) == ("issued", "stored", 1)


def test_a_build_given_up_as_stuck_and_retried_leaves_the_retry_to_issue_the_pack(
    lead, story, run_worker, monkeypatch, settings
):
    # Every build reads as stuck at once, so the lead may retry while the worker is building.
    settings.PACK_BUILD_TIMEOUT_MINUTES = 0
    _issue(lead, story)
    pack = Pack.objects.get()
    first_attempt = pack.build_started_at
    snapshot, render_pdf = pipeline.pack_snapshot, pipeline.render_pdf
    stages_of_the_retry = []

    def retried_while_snapshotting(*args, **kwargs):
        if Pack.objects.get().build_started_at == first_attempt:
            lead.post(reverse("boards:retry", kwargs={"pk": pack.pk}))
        return snapshot(*args, **kwargs)

    def rendering(html):
        stages_of_the_retry.append(Pack.objects.get().stage)
        return render_pdf(html)

    monkeypatch.setattr(pipeline, "pack_snapshot", retried_while_snapshotting)
    monkeypatch.setattr(pipeline, "render_pdf", rendering)

    run_worker()

    # The first attempt reached "render" too late to move the retry's stage, which was queued
    # again; the retry then built and issued the pack, once. Each renders both copies.
    assert stages_of_the_retry == ["queued", "queued", "render", "render"]
    pack.refresh_from_db()
    assert (pack.status, pack.stage) == ("issued", "stored")
    assert pack.build_started_at > first_attempt
    assert _builds().filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
