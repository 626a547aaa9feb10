"""Production start: pages render with DEBUG off before and after collectstatic, `make serve`
refuses without its settings, and Gunicorn really serves the site on loopback."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.checks import run_checks

from boards.demo import DEMO_LOGINS
from config.checks import DEMO_PASSWORD_LIVE, NO_STATIC_MANIFEST
from tests import factories

ROOT = Path(__file__).resolve().parent.parent.parent
SITE_HEADER = (
    '<span class="govuk-header__product-name tracker-header__name">Improvement Tracker</span>'
)
PRODUCTION_SECRET = "a-long-random-production-secret-for-tests-" + "p9Xw" * 10


def production_env(**extra: str) -> dict[str, str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process; production never does.
    dropped = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "PORT", "HOST"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return {**env, **extra}


@pytest.fixture
def production_storage(settings):
    settings.DEBUG = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "config.storage.ProductionStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    return settings


def test_pages_render_with_debug_off_before_static_files_are_collected(
    client, db, production_storage, tmp_path
):
    production_storage.STATIC_ROOT = tmp_path / "never-collected"

    response = client.get("/accounts/login/")

    page = response.content.decode()
    assert response.status_code == 200
    assert SITE_HEADER in page
    assert 'href="/static/govuk/govuk-frontend.min.css"' in page
    assert 'href="/static/css/tracker.css"' in page


def test_pages_link_versioned_static_files_once_collected(
    client, db, production_storage, collected_static_root
):
    production_storage.STATIC_ROOT = collected_static_root
    manifest = json.loads((collected_static_root / "staticfiles.json").read_text())["paths"]

    response = client.get("/accounts/login/")

    page = response.content.decode()
    assert response.status_code == 200
    assert re.fullmatch(r"css/tracker\.[0-9a-f]{12}\.css", manifest["css/tracker.css"])
    assert f'href="/static/{manifest["css/tracker.css"]}"' in page
    assert f'href="/static/{manifest["govuk/govuk-frontend.min.css"]}"' in page


def deployment_warnings() -> list[str]:
    return [m.msg for m in run_checks(include_deployment_checks=True) if m.id == "config.W001"]


def test_deployment_checks_warn_when_static_files_were_never_collected(
    production_storage, tmp_path
):
    production_storage.STATIC_ROOT = tmp_path / "never-collected"

    assert deployment_warnings() == [NO_STATIC_MANIFEST]


def test_deployment_checks_are_quiet_about_static_files_once_collected(
    production_storage, collected_static_root
):
    production_storage.STATIC_ROOT = collected_static_root

    assert deployment_warnings() == []


@pytest.mark.parametrize(
    ("env", "missing", "named"),
    [
        ({"ALLOWED_HOSTS": "tracker.council.example"}, "SECRET_KEY", "ALLOWED_HOSTS"),
        ({"SECRET_KEY": PRODUCTION_SECRET}, "ALLOWED_HOSTS", "SECRET_KEY"),
    ],
)
@pytest.mark.parametrize("command", [["bin/serve"], ["make", "--no-print-directory", "serve"]])
def test_serve_refuses_to_start_without_its_settings_and_says_which(command, env, missing, named):
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "Not starting: set these in the environment first:" in result.stderr
    assert f"  {missing} (" in result.stderr
    assert f"  {named} (" not in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    # Refused before anything ran: no install, no collectstatic, no migration.
    assert result.stdout == ""


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, server: subprocess.Popen, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}: {server.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer on 127.0.0.1:{port} within {seconds} s")


def fetch(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.skipif(sys.platform == "win32", reason="Gunicorn runs only on Unix-like systems")
def test_gunicorn_serves_the_sign_in_page_static_files_and_a_styled_not_found_page(
    collected_static_root, tmp_path
):
    port = free_loopback_port()
    env = production_env(
        DEBUG="0",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(collected_static_root),
        DATABASE_URL=f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    manifest = json.loads((collected_static_root / "staticfiles.json").read_text())["paths"]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(port, server, seconds=20)
        base = f"http://127.0.0.1:{port}"

        sign_in = fetch(f"{base}/accounts/login/")
        stylesheet = fetch(f"{base}/static/{manifest['css/tracker.css']}")
        missing = fetch(f"{base}/no-such-page/")
    finally:
        server.terminate()
        log, _ = server.communicate(timeout=30)

    status, headers, page = sign_in
    assert status == 200
    assert SITE_HEADER in page
    assert f'href="/static/{manifest["css/tracker.css"]}"' in page
    assert headers["X-Frame-Options"] == "DENY"

    status, headers, css = stylesheet
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    assert ".tracker-header" in css

    status, _, page = missing
    assert status == 404
    assert SITE_HEADER in page
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert "no-such-page" not in page

    assert server.returncode == 0
    # Gunicorn's access log goes to stdout, one line a request.
    assert '"GET /accounts/login/ HTTP/1.1" 200' in log
    assert '"GET /no-such-page/ HTTP/1.1" 404' in log


def test_production_refuses_to_start_while_a_demo_user_keeps_its_published_password(db):
    demo = DEMO_LOGINS[0]
    user = factories.UserFactory(username=demo.username, password=demo.password)

    def refusals():
        found = run_checks(include_deployment_checks=True, databases=["default"])
        return [check.msg for check in found if check.id == "config.E002"]

    assert refusals() == [DEMO_PASSWORD_LIVE % {"username": demo.username}]
    user.set_password("a passphrase of the council's own choosing")
    user.save()
    assert refusals() == []
