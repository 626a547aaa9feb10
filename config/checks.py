"""System checks for a production deployment, run by `manage.py check --deploy`."""

from django.contrib.auth import get_user_model
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from boards.demo import DEMO_LOGINS

NO_STATIC_MANIFEST = (
    "STATIC_ROOT has no static files manifest: pages link unversioned static files that are "
    "served only if they were copied there, without long-lived caching."
)
NO_STATIC_MANIFEST_HINT = "Run `python manage.py collectstatic --no-input` (make serve does)."


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs, **kwargs):
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    try:
        collected = staticfiles_storage.exists(staticfiles_storage.manifest_name)
    except ImproperlyConfigured:
        # STATIC_ROOT is unset: Django's own staticfiles checks and collectstatic say so.
        return []
    if collected:
        return []
    return [CheckWarning(NO_STATIC_MANIFEST, hint=NO_STATIC_MANIFEST_HINT, id="config.W001")]


DEMO_PASSWORD_LIVE = (
    "The demo user %(username)s still has the password printed in the README: anyone can sign in "
    "as them."
)
DEMO_PASSWORD_HINT = (
    "Delete the demo users (admin → Users) or give them passwords of their own; the database "
    "was probably filled by `make run`."
)


@register(Tags.database, deploy=True)
def no_demo_passwords(app_configs, databases=None, **kwargs):
    """Run with `check --deploy --database default` (make serve does, after migrating)."""
    if not databases:
        return []
    usernames = {login.username: login.password for login in DEMO_LOGINS}
    try:
        users = list(get_user_model().objects.filter(username__in=usernames, is_active=True))
    except DatabaseError:
        return []  # not migrated yet: migrate's own output says so
    return [
        Error(
            DEMO_PASSWORD_LIVE % {"username": user.username},
            hint=DEMO_PASSWORD_HINT,
            id="config.E002",
        )
        for user in users
        if user.check_password(usernames[user.username])
    ]
