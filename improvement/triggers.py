"""Rules PostgreSQL itself enforces, so they hold for raw SQL and any future code path too.

The models and querysets refuse first, with a named exception; the triggers are the second line.
A trigger raises SQLSTATE 23001 (restrict_violation), which Django raises as IntegrityError.
Row triggers do not fire on TRUNCATE, so the test runner's flush still empties the tables.
SQLite (the default test database) has no such triggers: there the model rules stand alone.
"""

from django.db import migrations


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def refuse_trigger(*, table: str, name: str, condition: str, message: str, hint: str):
    """A BEFORE UPDATE OR DELETE row trigger on `table` that raises when `condition` (an SQL
    expression over OLD) holds, and its reverse. `message` may name OLD.id and TG_OP as %."""
    function = f"{table}_{name}"
    forwards = [
        f"""
        CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {condition} THEN
                RAISE EXCEPTION '{message}', OLD.id, TG_OP
                    USING ERRCODE = 'restrict_violation', HINT = '{hint}';
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END;
        $$
        """,
        f"""
        CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {function}()
        """,
    ]
    backwards = [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"DROP FUNCTION IF EXISTS {function}()",
    ]
    return RunSQLOnPostgreSQL(forwards, backwards)
