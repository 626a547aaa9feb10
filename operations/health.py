"""What a load balancer or a monitor asks of one instance: can it reach its database, is the task
worker keeping up, can it write to its storage. Statuses and timings only, never data.

The worker is judged by its queue, as a worker records nothing of its own: a task ready for
longer than HEALTH_TASK_WAIT_MINUTES means no worker is taking tasks (none running, or all stuck).
An idle queue with no worker reads as ok: nothing is waiting on it.
"""

import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.models import Min
from django.utils import timezone

OK, FAILING, NOT_USED = "ok", "failing", "not used"
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


@dataclass
class Check:
    status: str
    detail: str = ""
    milliseconds: int = 0
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        found = {"status": self.status, "milliseconds": self.milliseconds, **self.extra}
        if self.detail:
            found["detail"] = self.detail
        return found


def _timed(check):
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:  # noqa: BLE001 - a health check reports every failure, whatever it is
        result = Check(FAILING, f"{type(error).__name__}: {error}"[:200])
    result.milliseconds = round((time.perf_counter() - started) * 1000)
    return result


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check(FAILING, f"the database did not answer: {type(error).__name__}")
    return Check(OK)


def worker() -> Check:
    if settings.TASKS["default"]["BACKEND"] != DATABASE_BACKEND:
        return Check(NOT_USED, "tasks do not go through the database queue")
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    waiting = ready.count()
    extra = {"waiting": waiting}
    if oldest is None:
        return Check(OK, extra=extra)
    waited = timezone.now() - oldest
    extra["oldest_waiting_seconds"] = round(waited.total_seconds())
    if waited > timedelta(minutes=settings.HEALTH_TASK_WAIT_MINUTES):
        return Check(
            FAILING,
            f"a task has waited {round(waited.total_seconds() / 60)} minutes: is a worker running?",
            extra=extra,
        )
    return Check(OK, extra=extra)


def storage() -> Check:
    name = default_storage.save(f"health/{uuid.uuid4().hex}", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != b"ok":
                return Check(FAILING, "a file written to storage read back different")
    finally:
        default_storage.delete(name)
    return Check(OK)


def report() -> tuple[bool, dict]:
    checks = {"database": _timed(database)}
    # With no database the worker's queue cannot be read either.
    if checks["database"].status == OK:
        checks["worker"] = _timed(worker)
    else:
        checks["worker"] = Check(FAILING, "not checked: no database")
    checks["storage"] = _timed(storage)
    healthy = all(check.status != FAILING for check in checks.values())
    return healthy, {
        "status": OK if healthy else FAILING,
        "checks": {name: check.as_dict() for name, check in checks.items()},
    }
