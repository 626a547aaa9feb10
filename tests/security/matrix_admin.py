"""The admin's cells of the role × URL matrix: the admin's own pages, what every model admin
page answers, and each exception for the superuser as a decision."""

from tests.security.matrix import (
    ADMIN_LOGIN,
    LOGIN,
    NA,
    NOT_STAFF,
    OK,
    REDIRECT,
    Cell,
    F,
    N,
    every,
)


def _admin_row(staff, superuser, *, others=ADMIN_LOGIN):
    return {**dict.fromkeys(NOT_STAFF, others), "staff_no_perms": staff, "superuser": superuser}


ADMIN_SITE = {
    "admin:index": Cell(get=_admin_row(OK, OK), post=_admin_row(OK, OK)),
    # The admin has no sign-in of its own: anyone signed out is sent to the site's (which asks
    # for the second factor), staff go in, and anyone else signed in is refused. A password
    # posted here is not read.
    "admin:login": Cell(
        get=_admin_row(REDIRECT, REDIRECT, others=F) | {"anonymous": LOGIN},
        post=_admin_row(REDIRECT, REDIRECT, others=F) | {"anonymous": LOGIN},
        data=lambda w: {"username": "staff_no_perms", "password": "not the password"},
    ),
    "admin:logout": Cell(get=_admin_row(NA, NA, others=REDIRECT), post=every(REDIRECT)),
    "admin:password_change": Cell(
        get=_admin_row(OK, OK), post=_admin_row(OK, OK), data=lambda w: {"old_password": "x"}
    ),
    "admin:password_change_done": Cell(get=_admin_row(OK, OK), post=_admin_row(NA, NA)),
    "admin:jsi18n": Cell(get=_admin_row(OK, OK), post=_admin_row(NA, NA)),
    "admin:autocomplete": Cell(
        get=_admin_row(F, OK),
        post=_admin_row(NA, NA),
        query=lambda w: "app_label=improvement&model_name=action&field_name=lead&term=Head",
    ),
    "admin:view_on_site": Cell(
        get=_admin_row(REDIRECT, REDIRECT),
        post=_admin_row(REDIRECT, REDIRECT),
        kwargs=lambda w: {"content_type_id": _content_type(w.action), "object_id": w.action.pk},
    ),
    "admin:app_list": Cell(
        get=_admin_row(N, OK), post=_admin_row(N, OK), kwargs=lambda w: {"app_label": "boards"}
    ),
    "admin:<catch-all>": Cell(get=_admin_row(N, N), post=_admin_row(N, N)),
}


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


# What every model admin page answers: staff with no permissions are refused everything, a
# superuser may use every page. A model whose admin is read-only says so in READ_ONLY below.
ADMIN_PAGES = {
    # A changelist POST with no action chosen shows the list again.
    "changelist": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "add": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "change": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "delete": Cell(
        get=_admin_row(F, OK), post=_admin_row(F, REDIRECT), data=lambda w: {"post": "yes"}
    ),
    "history": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "simple_history": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "<object_id>": Cell(get=_admin_row(REDIRECT, REDIRECT), post=_admin_row(REDIRECT, REDIRECT)),
    "password_change": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "export": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
    "import_workbook": Cell(get=_admin_row(F, OK), post=_admin_row(F, OK)),
}
# Exceptions to ADMIN_PAGES for the superuser, each a decision: (model, page, method) -> outcome.
SUPERUSER_EXCEPTIONS = {
    # Progress updates, evidence and packs are written only by services (the site's pages and
    # the pack pipeline); the admin shows them and refuses to add, change or delete one.
    **{
        (model, page, method): F
        for model in ("improvement.progressupdate", "improvement.evidence", "boards.pack")
        for page, method in (
            ("add", "get"),
            ("add", "post"),
            ("change", "post"),
            ("delete", "get"),
            ("delete", "post"),
        )
    },
    # django-axes's sign-in records are read-only in the admin: no add; a change form's POST
    # goes back to the list. Deleting an attempt is how an administrator unlocks a user.
    **{
        (f"axes.{model}", page, method): outcome
        for model in ("accessattempt", "accesslog", "accessfailurelog")
        for page, method, outcome in (
            ("add", "get", F),
            ("add", "post", F),
            ("change", "post", REDIRECT),
        )
    },
    # Two-factor devices: an administrator sees and deletes them (a user who lost their phone
    # sets up again), never adds or changes one, so no one's key is typed in by someone else.
    **{
        (model, page, method): F
        for model in ("otp_totp.totpdevice", "otp_static.staticdevice")
        for page, method in (("add", "get"), ("add", "post"), ("change", "post"))
    },
    # The task queue's results (django-tasks-db's admin) are the worker's record: shown, never
    # added, changed or deleted by hand (prune_db_task_results clears old ones).
    **{
        ("django_tasks_database.dbtaskresult", page, method): F
        for page, method in (
            ("add", "get"),
            ("add", "post"),
            ("change", "post"),
            ("delete", "get"),
            ("delete", "post"),
        )
    },
    # Deleting what the audit trail names is refused: the admin shows its "cannot delete" page
    # (200) listing the protected rows (a user, plan or action with progress updates; a lead
    # with actions; an authority with plans; a board or meeting named by an issued pack).
    **{
        (model, "delete", "post"): OK
        for model in (
            "auth.user",
            "authorities.authority",
            "improvement.plan",
            "improvement.lead",
            "improvement.action",
            "boards.board",
            "boards.meeting",
        )
    },
}
