from django.urls import path

from boards import views
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
    path("packs/<int:pk>/preview/", views.pack_preview, name="preview"),
]
