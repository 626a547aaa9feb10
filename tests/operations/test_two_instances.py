"""Past one machine: two Gunicorn instances and two task workers against one PostgreSQL database
and one storage location, loaded together. Officers update their actions through either instance
and read them back through the other; packs queued once are built once, by whichever worker takes
them, and download from both instances. Once with a shared folder, once with S3-compatible object
storage (moto's standalone server on loopback: no S3 server installs on this machine).

On the PostgreSQL pass only: several instances share PostgreSQL, never a SQLite file."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest
import requests
from django.conf import settings
from moto.server import ThreadedMotoServer

from tests.operations.test_deploy_guide import SUITE_ONLY, free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
OFFICERS = 8
UPDATES_EACH = 6
PASSWORD = "a long officer passphrase"
MAKE_DATA = f"""
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from authorities.models import Authority
from boards.models import Board
from boards.services import issue_pack
from improvement.models import Action, Lead, Plan, PlanRole
council = Authority.objects.create(name="Wirral Council")
plan = Plan.objects.create(authority=council, title="Improvement plan", slug="plan")
board = Board.objects.create(authority=council, name="Improvement Board")
board.plans.add(plan)
users = get_user_model().objects
for n in range({OFFICERS}):
    lead = Lead.objects.create(authority=council, name=f"Head of service {{n}}")
    Action.objects.create(plan=plan, reference=f"A{{n}}", text=f"Action {{n}}", lead=lead)
    lead.users.add(users.create_user(f"officer{{n}}", password="{PASSWORD}"))
member = users.create_user("member", password="{PASSWORD}")
PlanRole.objects.create(plan=plan, user=member, role="board_member")
today = timezone.localdate()
for day in (today, today - datetime.timedelta(days=1)):
    issue_pack(plan=plan, board=board, as_at=day, by=None, before_history_confirmed=True)
"""
COUNT_UPDATES = "from improvement.models import ProgressUpdate as P; print(P.objects.count())"
PACKS = """
import json
from boards.models import Pack
print(json.dumps([[p.pk, p.status, p.pdf.name] for p in Pack.objects.order_by("pk")]))
"""

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="several instances share PostgreSQL: the PostgreSQL pass runs this",
    ),
    pytest.mark.django_db,
]


class Instance:
    """A browser's view of one app server: over plain HTTP on loopback, as if behind the HTTPS
    proxy (X-Forwarded-Proto), carrying its secure cookies by hand."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.http = requests.Session()
        self.http.trust_env = False  # straight to loopback, whatever proxy the shell names

    def _headers(self, path: str) -> dict:
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        return {
            "X-Forwarded-Proto": "https",
            "Cookie": cookies,
            "Referer": f"https://127.0.0.1:{self.base.rsplit(':', 1)[1]}{path}",
        }

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path, headers=self._headers(path), allow_redirects=False)

    def post(self, path: str, data: dict) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
        return self.http.post(
            self.base + path, data=data, headers=self._headers(path), allow_redirects=False
        )

    def sign_in(self, username: str) -> None:
        self.get("/accounts/login/")
        answer = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert answer.status_code == 302, answer.text[:500]

    def share_session_with(self, other: "Instance") -> None:
        other.http.cookies.update(self.http.cookies)


class Cluster:
    def __init__(self, tmp: Path, env: dict):
        self.tmp = tmp
        self.env = env
        self.processes: list[subprocess.Popen] = []
        self.ports = [free_port(), free_port()]

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def _start(self, command: list[str], **env) -> None:
        log = open(self.tmp / f"process-{len(self.processes)}.log", "w")  # noqa: SIM115
        self.processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def start(self) -> None:
        for port in self.ports:
            self._start(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                PORT=str(port),
                WEB_CONCURRENCY="2",
            )
        for _ in range(2):
            self._start([sys.executable, "manage.py", "db_worker", "--no-reload"])
        for port in self.ports:
            wait_for_port(port, self.processes)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def logs(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.tmp.glob("process-*.log")))


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _storage_env(kind: str, tmp: Path, s3_endpoint: str) -> dict:
    if kind == "shared folder":
        return {"FILE_STORAGE": "filesystem", "MEDIA_ROOT": str(tmp / "shared-files")}
    bucket = f"tracker-{tmp.name.lower().replace('_', '-')[-40:]}"
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket=bucket)
    return {
        "FILE_STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
    }


@pytest.fixture(params=["shared folder", "object storage"])
def cluster(request, tmp_path, s3_endpoint, scratch_databases):
    databases = scratch_databases
    env = {
        **{k: v for k, v in os.environ.items() if k not in SUITE_ONLY},
        "DEBUG": "0",
        "SECRET_KEY": "two-instances-test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": databases.new("cluster"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_URL": "console://",
        **_storage_env(request.param, tmp_path, s3_endpoint),
    }
    running = Cluster(tmp_path, env)
    running.manage("migrate", "--no-input", "-v0")
    running.manage("collectstatic", "--no-input", "-v0")
    running.manage("shell", "-c", MAKE_DATA)
    try:
        running.start()
        yield running
    except BaseException:
        print(running.logs())
        raise
    finally:
        running.stop()


def _officer_at_work(cluster: Cluster, n: int) -> list[str]:
    """One officer, updating their action through one instance and reading it back through the
    other, turn about. Returns what went wrong."""
    here, there = Instance(cluster.ports[n % 2]), Instance(cluster.ports[(n + 1) % 2])
    here.sign_in(f"officer{n}")
    here.share_session_with(there)
    wrong = []
    page = f"/plans/plan/actions/A{n}/"
    for turn in range(UPDATES_EACH):
        form = here.get(page + "update/")
        version = re.search(r'name="version" value="(\d+)"', form.text)
        if form.status_code != 200 or version is None:
            wrong.append(f"officer{n} turn {turn}: update page {form.status_code}")
            continue
        note = f"Officer {n}, update {turn}"
        saved = here.post(
            page + "update/",
            {
                "version": version.group(1),
                "progress_rag": "amber",
                "status": "in_progress",
                "commentary": note,
            },
        )
        if saved.status_code != 302:
            wrong.append(f"officer{n} turn {turn}: update answered {saved.status_code}")
        read = there.get(page)
        if read.status_code != 200 or note not in read.text:
            wrong.append(f"officer{n} turn {turn}: the other instance did not show the update")
        here, there = there, here
    return wrong


def _packs(cluster: Cluster) -> list:
    return json.loads(cluster.manage("shell", "-c", PACKS).strip().splitlines()[-1])


def test_two_instances_and_two_workers_share_one_database_and_one_storage(cluster):
    with ThreadPoolExecutor(max_workers=OFFICERS) as pool:
        wrong = [w for found in pool.map(lambda n: _officer_at_work(cluster, n), range(OFFICERS))
                 for w in found]  # fmt: skip

    assert wrong == []
    count = cluster.manage("shell", "-c", COUNT_UPDATES)
    assert int(count.strip().splitlines()[-1]) == OFFICERS * UPDATES_EACH

    deadline = time.monotonic() + 300
    packs = _packs(cluster)
    while any(status != "issued" for _, status, _ in packs):
        packs = _packs(cluster)
        assert time.monotonic() < deadline, f"packs not issued: {packs}\n{cluster.logs()}"
        time.sleep(2)
    assert len(packs) == 2
    assert len({name for _, _, name in packs}) == 2

    first, second = Instance(cluster.ports[0]), Instance(cluster.ports[1])
    first.sign_in("member")
    first.share_session_with(second)
    for pk, _, _ in packs:
        downloads = [instance.get(f"/boards/packs/{pk}/pdf/") for instance in (first, second)]
        assert [d.status_code for d in downloads] == [200, 200]
        assert downloads[0].content[:5] == b"%PDF-"
        assert downloads[0].content == downloads[1].content
