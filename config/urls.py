from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from improvement.forms import SignInForm

admin.site.site_header = "Improvement Tracker administration"
admin.site.site_title = "Improvement Tracker"
admin.site.index_title = "Plans, recommendations, risks and boards"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("boards/", include("boards.urls")),
    path("", include("improvement.urls")),
]
# No /media/ route, in any mode: uploaded files go out only through permission-checked views.
