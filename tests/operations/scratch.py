"""Scratch databases for tests that run manage.py in processes of their own."""

import uuid
from pathlib import Path

from django.conf import settings


class Databases:
    """Scratch databases on the server the suite runs against, dropped at the end."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.made: list[str] = []
        self.server = settings.DATABASES["default"]

    def new(self, label: str) -> str:
        if self.server["ENGINE"].endswith("sqlite3"):
            return f"sqlite:///{self.tmp / f'{label}.sqlite3'}"
        import psycopg

        name = f"backup_{label}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(**self._params("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        user, host = self.server["USER"], self.server["HOST"] or "127.0.0.1"
        password = f":{self.server['PASSWORD']}" if self.server["PASSWORD"] else ""
        return f"postgres://{user}{password}@{host}:{self.server['PORT'] or 5432}/{name}"

    def _params(self, name: str) -> dict:
        return {
            "dbname": name,
            "user": self.server["USER"],
            "password": self.server["PASSWORD"] or None,
            "host": self.server["HOST"] or "127.0.0.1",
            "port": self.server["PORT"] or 5432,
        }

    def drop(self) -> None:
        if not self.made:
            return
        import psycopg

        with psycopg.connect(**self._params("postgres"), autocommit=True) as connection:
            for name in self.made:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
