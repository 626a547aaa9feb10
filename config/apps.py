from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    """Django's admin app with the tracker's site as admin.site."""

    default_site = "config.admin.TrackerAdminSite"
