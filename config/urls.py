from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from improvement import accounts, second_factor_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    # Two factors: the sign-in's second step (only with a pending sign-in) and each user's
    # Sign-in security page (signed in).
    path("accounts/login/code/", second_factor_views.code, name="second_factor_code"),
    path(
        "accounts/login/set-up/",
        second_factor_views.setup_on_sign_in,
        name="second_factor_setup",
    ),
    path("accounts/security/", second_factor_views.security, name="sign_in_security"),
    path(
        "accounts/security/set-up/",
        second_factor_views.setup_from_account,
        name="second_factor_turn_on",
    ),
    path(
        "accounts/security/recovery-codes/",
        second_factor_views.recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path(
        "accounts/security/recovery-codes/new/",
        second_factor_views.new_recovery_codes,
        name="second_factor_new_recovery_codes",
    ),
    path(
        "accounts/security/turn-off/",
        second_factor_views.turn_off,
        name="second_factor_turn_off",
    ),
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
