from django.urls import path

from boards import dashboard_views
from improvement import converters  # noqa: F401 (registers the plan slug converter)

app_name = "dashboard"

urlpatterns = [
    # Where sign-in and the service name lead (settings.LOGIN_REDIRECT_URL).
    path("start/", dashboard_views.landing, name="landing"),
    path("plans/<plan:slug>/dashboard/", dashboard_views.plan_dashboard, name="plan"),
]
