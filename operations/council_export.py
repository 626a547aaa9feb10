"""Everything one council holds in the installation, as one zip: for a council leaving the service
or answering a subject access request.

Each model is exported only through the path from its rows to their authority named in SCOPES,
so nothing of another council can come with it; a model with no path is in NOT_COUNCIL_DATA with
the reason it stays, and a model in neither stops the export (a new model must be placed before
any council's data leaves). People come as the council's rows name them, without passwords.
"""

import hashlib
import json
import zipfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from authorities.models import Authority
from improvement.importing.export import export_plan_workbook
from improvement.models import Plan
from operations.backup import file_names

_PLAN = "plan__authority"
_ACTION = "action__plan__authority"
_MEETING = "meeting__board__authority"

# Model label → the lookup from its rows to their authority.
SCOPES = {
    "authorities.Authority": "pk",
    "notices.Notification": "authority",
    "inspections.Inspection": "authority",
    "inspections.Judgement": "inspection__authority",
    "inspections.Recommendation": "inspection__authority",
    "inspections.HistoricalRecommendation": "inspection__authority",
    "inspections.MonitoringVisit": "authority",
    "inspections.HistoricalMonitoringVisit": "authority",
    "inspections.Finding": "visit__authority",
    "inspections.HistoricalFinding": "visit__authority",
    "improvement.Lead": "authority",
    "improvement.HistoricalLead": "authority",
    "improvement.Plan": "authority",
    "improvement.PlanRole": _PLAN,
    "improvement.HistoricalPlanRole": _PLAN,
    "improvement.Theme": _PLAN,
    "improvement.HistoricalTheme": _PLAN,
    "improvement.Period": _PLAN,
    "improvement.HistoricalPeriod": _PLAN,
    "improvement.Objective": _PLAN,
    "improvement.HistoricalObjective": _PLAN,
    "improvement.Action": _PLAN,
    "improvement.HistoricalAction": _PLAN,
    "improvement.LinkChange": _ACTION,
    "improvement.Milestone": _ACTION,
    "improvement.FindingResponse": _ACTION,
    "improvement.HistoricalFindingResponse": _ACTION,
    "improvement.Measure": _PLAN,
    "improvement.HistoricalMeasure": _PLAN,
    "improvement.MeasureValue": "measure__plan__authority",
    "improvement.HistoricalMeasureValue": "measure__plan__authority",
    "improvement.ProgressUpdate": _ACTION,
    "improvement.Evidence": _ACTION,
    "improvement.HistoricalEvidence": _ACTION,
    "improvement.ReminderDigest": "authority",
    "improvement.Invitation": _PLAN,
    "improvement.HistoricalInvitation": _PLAN,
    "improvement.PeopleChange": _PLAN,
    "improvement.Risk": _PLAN,
    "improvement.HistoricalRisk": _PLAN,
    "boards.Board": "authority",
    "boards.Meeting": "board__authority",
    "boards.HistoricalMeeting": "board__authority",
    "boards.Attendance": _MEETING,
    "boards.MeetingAction": _MEETING,
    "boards.HistoricalMeetingAction": _MEETING,
    "boards.Decision": _MEETING,
    "boards.HistoricalDecision": _MEETING,
    "boards.Pack": _PLAN,
    "boards.ScheduledDraft": _PLAN,
}

# Fields left out of a kind's rows: secrets that open something, of no use outside.
SECRET_FIELDS = {"improvement.Invitation": ("token_hash",)}

NOT_COUNCIL_DATA = {
    "auth.User": "exported as people.json: those the council's rows name, without passwords",
    "admin.LogEntry": "the installation admins' log, naming objects of every council",
    "auth.Permission": "made by the software",
    "auth.Group": "the installation's own groups",
    "contenttypes.ContentType": "made by the software",
    "sessions.Session": "sign-in sessions, not records",
    "django_tasks_database.DBTaskResult": "the work queue",
    "axes.AccessAttempt": "the installation's sign-in security log",
    "axes.AccessAttemptExpiration": "the installation's sign-in security log",
    "axes.AccessFailureLog": "the installation's sign-in security log",
    "axes.AccessLog": "the installation's sign-in security log",
    "notices.EmailChoice": "a person's own e-mail settings, not the council's records",
    "sso.IdentityProvider": "connection settings, with a secret, not records",
    "sso.Identity": "a person's link to the council's provider, not records",
    "otp_totp.TOTPDevice": "a person's second factor: a secret, not records",
    "otp_static.StaticDevice": "a person's recovery codes: secrets, not records",
    "otp_static.StaticToken": "a person's recovery codes: secrets, not records",
}

PEOPLE_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "date_joined",
    "last_login",
)

README = """Everything {authority} holds in Improvement Tracker, exported {made_at}.

data/<app>.<model>.json   every row, one file per kind, as Django's serializer writes them
                          (fields by name; links to other rows by their "pk"; history rows
                          are named Historical<kind>, one per change, with who and when)
people.json               the people these rows name (no passwords)
plans/<plan>.xlsx         each plan as a workbook, in the layout the tracker imports
files/<name>              every evidence file and issued pack the rows name
manifest.json             the number of rows of each kind and the SHA-256 of every file
"""


class UnplacedModel(Exception):
    pass


def _check_every_model_is_placed() -> None:
    unplaced = sorted(
        model._meta.label
        for model in apps.get_models()
        if model._meta.label not in SCOPES and model._meta.label not in NOT_COUNCIL_DATA
    )
    if unplaced:
        raise UnplacedModel(
            "No export rule for " + ", ".join(unplaced) + ": place each in "
            "operations.council_export.SCOPES or NOT_COUNCIL_DATA."
        )


def rows_of(authority: Authority) -> dict[str, models.QuerySet]:
    _check_every_model_is_placed()
    found = {}
    for label, lookup in SCOPES.items():
        model = apps.get_model(label)
        found[label] = model._default_manager.filter(**{lookup: authority.pk}).order_by("pk")
    return found


def _user_ids(queryset: models.QuerySet) -> set[int]:
    user_model = get_user_model()
    ids: set[int] = set()
    for field in queryset.model._meta.concrete_fields:
        if field.is_relation and field.related_model is user_model:
            ids.update(
                queryset.exclude(**{field.attname: None}).values_list(field.attname, flat=True)
            )
    for field in queryset.model._meta.many_to_many:
        if field.related_model is user_model:
            ids.update(queryset.exclude(**{field.name: None}).values_list(field.name, flat=True))
    return ids


def _people(querysets: dict[str, models.QuerySet]):
    ids = set().union(*(_user_ids(queryset) for queryset in querysets.values()))
    return get_user_model()._default_manager.filter(pk__in=ids).order_by("pk")


def _serialize(label: str, queryset: models.QuerySet) -> str:
    secret = SECRET_FIELDS.get(label, ())
    fields = None
    if secret:
        meta = queryset.model._meta
        fields = [f.name for f in meta.concrete_fields + meta.many_to_many if f.name not in secret]
    return serializers.serialize("json", queryset.iterator(), fields=fields, indent=1)


def _copy_file(name: str, archive: zipfile.ZipFile) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as source, archive.open(f"files/{name}", "w") as out:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def export_council(authority: Authority, path: Path) -> dict:
    """Writes the zip to `path` and returns its manifest. Reads in one transaction."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        manifest = _write(authority, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)
    return manifest


def _write(authority: Authority, partial: Path) -> dict:
    with transaction.atomic(), zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        querysets = rows_of(authority)
        counts = {}
        for label, queryset in querysets.items():
            counts[label] = queryset.count()
            if counts[label]:
                with archive.open(f"data/{label.lower()}.json", "w") as out:
                    out.write(_serialize(label, queryset).encode())
        people = _people(querysets)
        archive.writestr(
            "people.json", serializers.serialize("json", people, fields=PEOPLE_FIELDS, indent=1)
        )
        for plan in Plan.objects.for_authority(authority).order_by("slug"):
            archive.writestr(f"plans/{plan.slug}.xlsx", export_plan_workbook(plan))
        files = {name: _copy_file(name, archive) for name in file_names(querysets.values())}
        made_at = timezone.now().isoformat()
        manifest = {
            "authority": authority.name,
            "made_at": made_at,
            "rows": counts,
            "people": people.count(),
            "files": files,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
        archive.writestr("README.txt", README.format(authority=authority.name, made_at=made_at))
    return manifest
