from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SiteConfig(AppConfig):
    """The project itself as an app, only so that its system checks are registered.

    config/ is not an app otherwise, and a check registered from settings, urls or wsgi would
    be missed by `manage.py check` (which imports none of wsgi, and urls only while checks run).
    An AppConfig's ready() runs in every process before any check does.
    """

    # The admin's AppConfig is subclassed here too: say which one "config" in INSTALLED_APPS means.
    default = True
    name = "config"
    verbose_name = "Improvement Tracker"

    def ready(self):
        from config import checks  # noqa: F401


class TrackerAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with the tracker's site as admin.site."""

    default = False
    default_site = "config.admin.TrackerAdminSite"
