from django.urls import path

from improvement import views

app_name = "improvement"

urlpatterns = [
    path("", views.my_actions, name="my_actions"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("plans/<slug:slug>/actions.xlsx", views.plan_download, name="plan_download"),
    path(
        "plans/<slug:slug>/recommendations/<str:reference>/",
        views.recommendation_detail,
        name="recommendation",
    ),
    path("plans/<slug:slug>/actions/<str:reference>/", views.action_detail, name="action"),
    path(
        "plans/<slug:slug>/actions/<str:reference>/update/",
        views.action_update,
        name="action_update",
    ),
    path(
        "plans/<slug:slug>/actions/<str:reference>/evidence/<int:pk>/",
        views.evidence_download,
        name="evidence",
    ),
    path(
        "plans/<slug:slug>/actions/<str:reference>/sign-off/",
        views.action_sign_off,
        name="action_sign_off",
    ),
]
