from django.urls import path

from boards import meeting_views, views
from improvement import converters  # noqa: F401 (registers the plan slug converter)

app_name = "boards"

urlpatterns = [
    path("", views.board_list, name="list"),
    path("<int:pk>/", views.board_page, name="board"),
    path("<int:pk>/plans/<plan:slug>/packs/new/", views.issue_pack, name="issue"),
    path("<int:pk>/plans/<plan:slug>/packs/draft/", views.draft_preview, name="draft"),
    path("packs/<int:pk>/", views.pack_page, name="pack"),
    path("packs/<int:pk>/retry/", views.retry_pack, name="retry"),
    path("packs/<int:pk>/pdf/", views.pack_download, name="download"),
    path("packs/<int:pk>/archive/", views.pack_archive_download, name="archive"),
    path("packs/<int:pk>/preview/", views.pack_preview, name="preview"),
    path("<int:pk>/meetings/new/", meeting_views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meeting_views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/decisions/new/", meeting_views.decision_new, name="decision_new"),
    path(
        "meetings/<int:pk>/actions/new/",
        meeting_views.meeting_action_new,
        name="meeting_action_new",
    ),
    path(
        "meetings/<int:pk>/actions/<int:item_pk>/close/",
        meeting_views.meeting_action_close,
        name="meeting_action_close",
    ),
    path("meetings/<int:pk>/agree-minutes/", meeting_views.agree_minutes, name="agree_minutes"),
]
