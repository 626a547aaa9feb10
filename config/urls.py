from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from improvement import accounts

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Password reset answers 404 unless e-mail is configured (settings.EMAIL_CONFIGURED).
    path(
        "accounts/password_reset/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("operations.urls")),
    path("sso/", include("sso.urls")),
    path("notifications/", include("notices.urls")),
    path("boards/", include("boards.urls")),
    path("", include("boards.dashboard_urls")),
    path("", include("improvement.urls")),
]
# No /media/ route, in any mode: uploaded files go out only through permission-checked views.
