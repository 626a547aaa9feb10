"""docs/deploy.md, followed step by step from a fresh clone with DEBUG off: its shell steps run in
order, its systemd units' commands are started as systemd would start them (this machine runs no
systemd), and nginx serves the site over HTTPS in front of Gunicorn. A signed-in officer then gets
a page and a protected evidence file through nginx, and nobody gets the file by its storage path.

On the PostgreSQL pass only: the guide deploys onto PostgreSQL."""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deploy.md"
NGINX = Path("/usr/sbin/nginx")
SUITE_ONLY = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "CURL_CA_BUNDLE",
    # Set by the browser tests' Playwright fixtures: `check --deploy` rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
OFFICER_PASSWORD = "a long officer passphrase"
# The test's own data, made as the council's first improvement lead would through the site.
MAKE_DATA = f"""
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from authorities.models import Authority
from improvement.models import Action, Evidence, Lead, Plan
council = Authority.objects.get()
plan = Plan.objects.create(authority=council, title="Improvement plan", slug="plan")
lead = Lead.objects.create(authority=council, name="Head of Safeguarding")
action = Action.objects.create(plan=plan, reference="A1", text="Visits are timely", lead=lead)
officer = get_user_model().objects.create_user("officer", password="{OFFICER_PASSWORD}")
lead.users.add(officer)
evidence = Evidence(action=action, original_name="audit.txt", description="Audit")
evidence.file.save("audit.txt", ContentFile(b"Audit of 40 cases."), save=True)
print(evidence.file.name)
print(f"{{action.get_absolute_url()}}evidence/{{evidence.pk}}/")
"""

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="the deploy guide deploys onto PostgreSQL: the PostgreSQL pass follows it",
    ),
    pytest.mark.django_db,
]


def require_nginx():
    if NGINX.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {NGINX} is missing: .ci/run installs the nginx package.")
    pytest.skip("nginx is not installed (apt-get install nginx)")


def steps(kind: str) -> list[str]:
    return re.findall(rf"```sh {kind}\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(script: str, env: dict, timeout: int = 900) -> str:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"step failed:\n{script}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def unit(path: Path) -> dict[str, str]:
    return dict(
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )


def environment_file(path: Path) -> dict[str, str]:
    return dict(
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if line and not line.startswith("#")
    )


def wait_for_port(port: int, processes: list, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process in processes:
            assert process.poll() is None, f"{process.args} ended with {process.returncode}"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"nothing listens on {port} after {seconds} s")


def self_signed(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "tracker.pem", tmp / "tracker.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def nginx_main_conf(tmp: Path, site: Path) -> Path:
    """What Debian's /etc/nginx/nginx.conf does, kept inside the test's folder."""
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
"""
    )
    return conf


@pytest.fixture
def deployed(tmp_path, scratch_databases):
    require_nginx()
    databases = scratch_databases
    cert, key = self_signed(tmp_path)
    (tmp_path / "systemd").mkdir()
    (tmp_path / "etc").mkdir()
    env = {
        # The deploying shell: its proxy and pip settings, none of the test suite's own.
        **{name: value for name, value in os.environ.items() if name not in SUITE_ONLY},
        # Step 0, "Where things go", with this test's folders and ports.
        "REPO": str(ROOT),
        "APP": str(tmp_path / "srv" / "tracker"),
        "SETTINGS_FILE": str(tmp_path / "etc" / "env"),
        "SITE": "localhost",
        "DATABASE_URL": databases.new("deploy"),
        "MEDIA_ROOT": str(tmp_path / "files"),
        "STATIC_ROOT": str(tmp_path / "srv" / "tracker" / "staticfiles"),
        "APP_PORT": str(free_port()),
        "HTTP_PORT": str(free_port()),
        "HTTPS_PORT": str(free_port()),
        "TLS_CERT": str(cert),
        "TLS_KEY": str(key),
        "SYSTEMD_DIR": str(tmp_path / "systemd"),
        "NGINX_SITE": str(tmp_path / "tracker.conf"),
        "RUN_AS": "tracker",
        "EMAIL_URL": "console://",
        "DEFAULT_FROM_EMAIL": "tracker@council.example",
        "COUNCIL": "Wirral Council",
        "ADMIN_USER": "admin",
        "ADMIN_EMAIL": "it@council.example",
        "ADMIN_PASSWORD": "a long admin passphrase",
    }
    *install, check = steps("deploy")
    for step in install:
        run(step, env)

    processes = []
    log = open(tmp_path / "services.log", "w")  # noqa: SIM115 - closed with the processes
    try:
        for name in ("tracker-web", "tracker-worker"):
            service = unit(tmp_path / "systemd" / f"{name}.service")
            processes.append(
                subprocess.Popen(
                    service["ExecStart"].split(),
                    cwd=service["WorkingDirectory"],
                    env={"PATH": env["PATH"], **environment_file(Path(service["EnvironmentFile"]))},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        services = list(processes)
        nginx = subprocess.Popen(
            [str(NGINX), "-c", str(nginx_main_conf(tmp_path, Path(env["NGINX_SITE"]))),
             "-g", "daemon off;"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        processes.append(nginx)
        wait_for_port(int(env["APP_PORT"]), services)
        wait_for_port(int(env["HTTPS_PORT"]), [nginx])
        yield env, check, cert
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _manage_shell(env: dict, script: str) -> list[str]:
    app = Path(env["APP"])
    settings_file = environment_file(Path(env["SETTINGS_FILE"]))
    result = subprocess.run(
        [str(app / ".venv/bin/python"), "manage.py", "shell", "-c", script],
        cwd=app,
        env={"PATH": env["PATH"], "DEBUG": "0", **settings_file},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()


def _browser(cert: Path) -> requests.Session:
    """Straight to loopback, trusting the site's certificate: no proxy or CA bundle from the
    environment (requests lets those override a session's own)."""
    browser = requests.Session()
    browser.trust_env = False
    browser.verify = str(cert)
    return browser


def test_the_deploy_guide_ends_with_a_site_serving_a_page_and_a_protected_file(deployed):
    env, check, cert = deployed
    site = f"https://localhost:{env['HTTPS_PORT']}"

    # Step 7 of the guide: the health check answers through nginx (curl trusting the test's
    # self-signed certificate as a council's machines trust its own).
    assert '"status": "ok"' in run(check, {**env, "CURL_CA_BUNDLE": str(cert)})

    stored_name, evidence_url = _manage_shell(env, MAKE_DATA)[-2:]
    browser = _browser(cert)
    sign_in = browser.get(f"{site}/accounts/login/")
    assert sign_in.status_code == 200
    signed_in = browser.post(
        f"{site}/accounts/login/",
        data={
            "username": "officer",
            "password": OFFICER_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        headers={"Referer": f"{site}/accounts/login/"},
    )
    assert signed_in.status_code == 200
    assert signed_in.url.startswith(site)

    page = browser.get(f"{site}/")
    assert page.status_code == 200
    assert "Visits are timely" in page.text

    download = browser.get(f"{site}{evidence_url}")
    assert download.status_code == 200
    assert download.content == b"Audit of 40 cases."
    assert "X-Accel-Redirect" not in download.headers

    anonymous = _browser(cert)
    assert anonymous.get(f"{site}/protected/{stored_name}").status_code == 404
    asked = anonymous.get(f"{site}{evidence_url}", allow_redirects=False)
    assert asked.status_code == 302
    assert "/accounts/login/" in asked.headers["Location"]

    plain = anonymous.get(f"http://localhost:{env['HTTP_PORT']}/", allow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://localhost")

    static = re.search(r'href="(/static/[^"]+\.css)"', sign_in.text).group(1)
    styles = anonymous.get(f"{site}{static}")
    assert styles.status_code == 200
    assert "immutable" in styles.headers["Cache-Control"]
