"""The load test's people, for locust (run by `make loadtest`, bench/loadtest/run.py).

Officers sign in and cycle through My actions, the plan page, their action and an update; board
members read the plan's dashboard and download the latest pack; the admin lists actions in the
Django admin. SCENARIO picks who runs and how long each pauses: "board week" (officers read each
page for 2-5 s before the next, members pause longer), "saturation" (officers, no pause) or
"admin" (the admin's changelist, no pause): the last two measured on the same server for the
same time.

Every request goes straight to Gunicorn on loopback, as if through the HTTPS proxy: it says
X-Forwarded-Proto: https and carries the site's secure cookies by hand.
"""

import json
import os
import re

from locust import HttpUser, between, constant, task

SETUP = json.loads(os.environ["LOADTEST_SETUP"])
SCENARIO = os.environ.get("SCENARIO", "board week")
PASSWORD = os.environ["LOADTEST_PASSWORD"]
VERSION = re.compile(r'name="version" value="(\d+)"')


class Visitor(HttpUser):
    abstract = True

    def _headers(self, path: str) -> dict:
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)
        # As the browser saw it: an HTTPS page of the same host, or CSRF checks refuse the post.
        page = self.host.replace("http://", "https://", 1) + path
        return {"X-Forwarded-Proto": "https", "Cookie": cookies, "Referer": page}

    def get(self, path: str, name: str):
        return self.client.get(path, headers=self._headers(path), name=name)

    def sign_in(self, username: str) -> None:
        self.get("/accounts/login/", name="sign-in page")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers=self._headers("/accounts/login/"),
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in answered {answer.status_code}, not a redirect")


class Officer(Visitor):
    fixed_count = int(os.environ.get("OFFICERS", 50))
    wait_time = between(2, 5) if SCENARIO == "board week" else constant(0)
    people = iter(SETUP["officers"] * 100)

    def on_start(self):
        me = next(self.people)
        self.sign_in(me["username"])
        self.plan = f"/plans/{SETUP['plan']}/"
        self.action = f"{self.plan}actions/{me['action']}/"

    @task
    def work_through_my_actions(self):
        # In a board week each page is read for a few seconds before the next is asked for
        # (self.wait is wait_time); in saturation there is no pause at all.
        self.get("/", name="My actions")
        self.wait()
        self.get(self.plan, name="plan page")
        self.wait()
        self.get(self.action, name="action page")
        self.wait()
        form = self.get(self.action + "update/", name="update page")
        found = VERSION.search(form.text or "")
        if not found:
            return
        self.wait()
        with self.client.post(
            self.action + "update/",
            data={
                "version": found.group(1),
                "progress_rag": "amber",
                "status": "in_progress",
                "commentary": "Caseloads reviewed this week.",
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers=self._headers(self.action + "update/"),
            name="save update",
            allow_redirects=False,
            catch_response=True,
        ) as saved:
            # Two officers of one lead may save the same action at once: the second is told
            # why on the form (200), which is the site working, not an error.
            if saved.status_code in (200, 302):
                saved.success()


class BoardMember(Visitor):
    fixed_count = int(os.environ.get("MEMBERS", 10))
    wait_time = between(5, 15)
    people = iter(SETUP["members"] * 100)

    def on_start(self):
        self.sign_in(next(self.people)["username"])

    @task(3)
    def read_the_dashboard(self):
        self.get(f"/plans/{SETUP['plan']}/dashboard/", name="dashboard")

    @task(1)
    def download_the_latest_pack(self):
        self.get(f"/boards/packs/{SETUP['pack']}/pdf/", name="pack PDF")


class Admin(Visitor):
    fixed_count = int(os.environ.get("ADMINS", 50))
    wait_time = constant(0)

    def on_start(self):
        self.client.cookies.set("sessionid", SETUP["admin_session"])

    @task
    def list_actions(self):
        self.get("/admin/improvement/action/", name="admin changelist")
