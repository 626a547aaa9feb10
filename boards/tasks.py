"""Background work through Django's task API (the django-tasks backport on Django 5.2).

settings.TASKS picks the backend: the database backend (django-tasks-db), whose worker
(`manage.py db_worker`, bin/worker) runs the tasks off the request; docs/operations.md.
"""

from django_tasks import task

from boards import services
from boards.models import PackIsFinal


@task()
def build_pack_task(pack_id: int) -> int:
    try:
        return services.build_pack(pack_id=pack_id).pk
    except PackIsFinal:
        # Issued already: the command line and the demo build a pack in their own process
        # rather than wait for the worker, so the queued build finds nothing left to do.
        return pack_id
