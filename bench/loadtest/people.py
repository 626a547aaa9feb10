"""Run inside `manage.py shell` on the load test's scratch database, after load_demo: the load
test's officers, board members and one admin, each with the password LOADTEST_PASSWORD, and what
they need (the plan, each officer's own action, the latest pack). Prints one JSON line."""

import json
import os

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore

from boards.demo import PLAN_SLUG
from boards.models import Pack
from improvement.models import Action, Plan, PlanRole

OFFICERS = int(os.environ["LOADTEST_OFFICERS"])
MEMBERS = int(os.environ["LOADTEST_MEMBERS"])
PASSWORD = os.environ["LOADTEST_PASSWORD"]

users = get_user_model().objects
plan = Plan.objects.get(slug=PLAN_SLUG)
actions = list(
    Action.objects.filter(plan=plan, lead__isnull=False).select_related("lead").order_by("pk")
)
officers = []
for n in range(OFFICERS):
    action = actions[n % len(actions)]
    user = users.create_user(f"load-officer-{n}", password=PASSWORD)
    action.lead.users.add(user)
    officers.append({"username": user.username, "action": action.reference})
members = []
for n in range(MEMBERS):
    user = users.create_user(f"load-member-{n}", password=PASSWORD)
    PlanRole.objects.create(plan=plan, user=user, role=PlanRole.Role.BOARD_MEMBER)
    members.append({"username": user.username})
# The admin's changelist is measured signed in already: a session made here, as the site's
# sign-in (with its second factor) would leave it.
admin = users.create_superuser("load-admin", "load-admin@example.org", PASSWORD)
session = SessionStore()
session[SESSION_KEY] = str(admin.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
session.create()
pack = Pack.objects.filter(plan=plan, status=Pack.PackStatus.ISSUED).order_by("-as_at").first()
setup = {
    "plan": plan.slug,
    "officers": officers,
    "members": members,
    "admin_session": session.session_key,
    "pack": pack.pk,
}
print(json.dumps(setup))
