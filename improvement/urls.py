from django.urls import path

from improvement import converters, risk_views, views  # noqa: F401 (registers converters)

app_name = "improvement"

urlpatterns = [
    path("", views.my_actions, name="my_actions"),
    path("plans/<plan:slug>/", views.plan_detail, name="plan"),
    path("plans/<plan:slug>/actions.xlsx", views.plan_download, name="plan_download"),
    path("plans/<plan:slug>/workbook.xlsx", views.plan_workbook, name="plan_workbook"),
    path(
        "plans/<plan:slug>/recommendations/<reference:reference>/",
        views.recommendation_detail,
        name="recommendation",
    ),
    path("plans/<plan:slug>/actions/<reference:reference>/", views.action_detail, name="action"),
    path(
        "plans/<plan:slug>/actions/<reference:reference>/update/",
        views.action_update,
        name="action_update",
    ),
    path(
        "plans/<plan:slug>/actions/<reference:reference>/evidence/<int:pk>/",
        views.evidence_download,
        name="evidence",
    ),
    path(
        "plans/<plan:slug>/actions/<reference:reference>/sign-off/",
        views.action_sign_off,
        name="action_sign_off",
    ),
]

# The risk register (improvement/risk_views.py).
urlpatterns += [
    path("plans/<plan:slug>/risks/", risk_views.risk_register, name="risk_register"),
    path("plans/<plan:slug>/risks/<reference:reference>/", risk_views.risk_detail, name="risk"),
    path(
        "plans/<plan:slug>/risks/<reference:reference>/update/",
        risk_views.risk_update,
        name="risk_update",
    ),
]
