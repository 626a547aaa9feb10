"""`make run` and `make serve` start the server and the task worker together (bin/together):
Ctrl-C or TERM stops both, and one that ends stops the other, so none is left behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A command unique to this test run, found again in /proc to see whether it survived.
MARK = f"{os.getpid()}.{time.monotonic_ns() % 1000}"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="bin/ scripts are for Unix")


def _running(mark: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if f"sleep {mark}" in command:
            found.append(int(entry.name))
    return found


def _together(*commands: str) -> subprocess.Popen:
    # As a terminal starts `make run`: Ctrl-C is not ignored, and it has its own process group.
    return subprocess.Popen(
        ["bin/together", *commands],
        cwd=ROOT,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _until_started(mark: str, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(_running(mark)) < count:
        assert time.monotonic() < deadline, "the commands did not start"
        time.sleep(0.05)


def test_ctrl_c_stops_both_commands_and_what_they_started():
    # The second command starts a child of its own, as runserver's and the worker's reloaders do.
    together = _together(f"sleep {MARK}1", f"bash -c 'sleep {MARK}2; true'")
    _until_started(MARK, 2)

    os.killpg(together.pid, signal.SIGINT)

    assert together.wait(timeout=10) == 130
    assert _running(MARK) == []


def test_when_one_command_ends_the_other_is_stopped_and_its_status_kept():
    together = _together("false", f"sleep {MARK}3")

    assert together.wait(timeout=10) == 1
    assert _running(MARK) == []


def test_the_worker_refuses_to_start_without_the_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        ["bin/worker"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 2
    assert "Not starting the worker: set SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        (None, "django_tasks_db.backend"),
        ("django_tasks.backends.immediate.ImmediateBackend", "django_tasks.backends.immediate"),
    ],
)
def test_packs_go_to_the_worker_unless_tasks_backend_says_otherwise(backend, expected):
    env = {k: v for k, v in os.environ.items() if k != "TASKS_BACKEND"}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    if backend:
        env["TASKS_BACKEND"] = backend
    show = "from django_tasks import task_backends as b; print(type(b['default']).__module__)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", show],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == expected, result.stderr
