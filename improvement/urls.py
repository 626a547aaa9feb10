from django.urls import path

from improvement import converters, views  # noqa: F401 (registers converters)

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
    path("plans/<plan:slug>/sign-off/", views.sign_off_queue, name="sign_off_queue"),
    path("plans/<plan:slug>/import/", views.plan_import, name="plan_import"),
]
