from django.urls import path

from boards import dashboard_views
from improvement import converters  # noqa: F401 (registers the plan slug converter)

app_name = "dashboard"

urlpatterns = [
    path("plans/<plan:slug>/dashboard/", dashboard_views.plan_dashboard, name="plan"),
]
