"""Background work through Django's task API (the django-tasks backport on Django 5.2).

settings.TASKS picks the backend: the immediate backend by default, so `make run` needs no
worker; docs/packs.md says how to run a database-backed worker in production.
"""

from django_tasks import task

from boards import services


@task()
def build_pack_task(pack_id: int) -> int:
    return services.build_pack(pack_id=pack_id).pk
