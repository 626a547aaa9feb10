"""A load balancer asks each instance whether it can serve: its database, its task worker and its
storage, in statuses a monitor can read, and nothing of any council's data."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks.base import DEFAULT_TASK_PRIORITY
from django_tasks_db.models import DBTaskResult, get_date_max

ROOT = Path(__file__).resolve().parents[2]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = pytest.mark.django_db


def _task_waiting_since(when):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        priority=DEFAULT_TASK_PRIORITY,
        task_path="boards.tasks.build_pack",
        queue_name="default",
        backend_name="default",
        run_after=get_date_max(),
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=when)


def test_a_healthy_instance_says_so_without_signing_in_and_names_no_data(client, settings):
    settings.TASKS = DATABASE_QUEUE

    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "worker": "ok",
        "storage": "ok",
    }
    assert set(body["checks"]["worker"]) == {"status", "milliseconds", "waiting"}


def test_a_task_left_waiting_means_no_worker_is_taking_tasks(client, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.HEALTH_TASK_WAIT_MINUTES = 5
    _task_waiting_since(timezone.now() - timedelta(minutes=2))
    assert client.get("/health/").status_code == 200

    _task_waiting_since(timezone.now() - timedelta(minutes=12))
    response = client.get("/health/")

    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["status"] == "failing"
    assert worker["waiting"] == 2
    assert worker["detail"] == "a task has waited 12 minutes: is a worker running?"
    assert response.json()["status"] == "failing"


def test_with_tasks_run_in_the_request_there_is_no_worker_to_check(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    body = client.get("/health/").json()

    assert body["checks"]["worker"]["status"] == "not used"
    assert body["status"] == "ok"


def test_storage_that_cannot_be_written_fails_the_check(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker / "media"},
        },
    }

    response = client.get("/health/")

    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["status"] == "failing"
    assert storage["detail"].startswith(("NotADirectoryError", "FileExistsError", "OSError"))


def test_an_instance_whose_database_is_down_answers_503_and_says_which_part():
    # Its own process, pointed at a port where no database listens.
    script = (
        "import json; from django.test import Client; r = Client().get('/health/'); "
        "print(r.status_code); print(r.content.decode())"
    )
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere",
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    status, body = result.stdout.strip().splitlines()[-2:]
    assert status == "503"
    checks = json.loads(body)["checks"]
    assert checks["database"]["status"] == "failing"
    assert "did not answer" in checks["database"]["detail"]
    assert checks["worker"]["detail"] == "not checked: no database"
