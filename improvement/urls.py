from django.urls import path

from improvement import (  # noqa: F401 (registers converters)
    converters,
    invitation_views,
    measure_views,
    people_views,
    reminder_views,
    risk_views,
    views,
    views_plans,
    visit_views,
)

app_name = "improvement"

urlpatterns = [
    path("", views.my_actions, name="my_actions"),
    path("plans/", views_plans.plan_list, name="plans"),
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
    path("plans/<plan:slug>/measures/", measure_views.measure_list, name="measures"),
    path("plans/<plan:slug>/measures/<int:pk>/", measure_views.measure_detail, name="measure"),
    path(
        "plans/<plan:slug>/measures/<int:pk>/values/new/",
        measure_views.measure_value_new,
        name="measure_value_new",
    ),
    path("plans/<plan:slug>/sign-off/", views.sign_off_queue, name="sign_off_queue"),
    path("plans/<plan:slug>/import/", views.plan_import, name="plan_import"),
    path("plans/<plan:slug>/reminders/", reminder_views.reminder_list, name="reminders"),
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

# Monitoring visits and their findings (improvement/visit_views.py).
urlpatterns += [
    path("plans/<plan:slug>/visits/", visit_views.visit_list, name="visits"),
    path("plans/<plan:slug>/visits/new/", visit_views.visit_new, name="visit_new"),
    path("plans/<plan:slug>/visits/<int:pk>/", visit_views.visit_detail, name="visit"),
    path(
        "plans/<plan:slug>/visits/<int:pk>/findings/new/",
        visit_views.finding_new,
        name="finding_new",
    ),
    path(
        "plans/<plan:slug>/visits/<int:pk>/findings/<int:finding_pk>/link/",
        visit_views.finding_link,
        name="finding_link",
    ),
    path(
        "plans/<plan:slug>/visits/<int:pk>/findings/<int:finding_pk>/action/",
        visit_views.finding_action_new,
        name="finding_action_new",
    ),
]

# The people of a plan and invitations to it (improvement/people_views.py, invitation_views.py).
urlpatterns += [
    path("plans/<plan:slug>/people/", people_views.people, name="people"),
    path("plans/<plan:slug>/people/invite/", people_views.people_invite, name="people_invite"),
    path("plans/<plan:slug>/people/<int:pk>/", people_views.person, name="person"),
    path("plans/<plan:slug>/people/<int:pk>/roles/", people_views.person_roles, name="roles"),
    path("plans/<plan:slug>/people/<int:pk>/leads/", people_views.person_leads, name="leads"),
    path(
        "plans/<plan:slug>/people/invitations/<int:pk>/revoke/",
        people_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<invitation_token:token>/", invitation_views.invitation, name="invitation"),
]
