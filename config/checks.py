"""System checks for a production deployment, run by `manage.py check --deploy`."""

from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured

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
