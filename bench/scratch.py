"""A benchmark's scratch database that another process (the task worker, Gunicorn) can open too.

The test database of whatever DATABASE_URL names: for SQLite a file in `folder` rather than
memory, so the other process opens the same file; for PostgreSQL test_<name> on the same server.
"""

from pathlib import Path

from django.db import connection


def create(folder: str | Path) -> str:
    """Makes the scratch database; returns the name to give `destroy`."""
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(folder) / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return old_name


def destroy(old_name: str) -> None:
    connection.creation.destroy_test_db(old_name, verbosity=0)


def database_url() -> str:
    """The scratch database as DATABASE_URL, for the other process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, password = settings["USER"], settings["PASSWORD"]
    credentials = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{credentials}{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
