"""The second step of signing in, setting up an authenticator app, and each user's Sign-in security
page. The rule and the writes are in improvement.second_factor; the half-done sign-in in
improvement.pending_sign_in."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from improvement import pending_sign_in, second_factor
from improvement.accounts import locked_out
from improvement.second_factor_forms import (
    CODE_THROTTLED,
    WRONG_APP_CODE,
    WRONG_RECOVERY_CODE,
    WRONG_SETUP_CODE,
    AppCodeForm,
    PasswordCheckForm,
    RecoveryCodeForm,
)

SIGN_IN_EXPIRED = "You took more than 5 minutes to enter the code. Sign in again."
RECOVERY_CODE_USED = (
    "You signed in with a recovery code. You have %(left)s left: make new ones from "
    "Sign-in security if you are running out."
)
TURNED_ON = "Two factors are on. Keep your recovery codes somewhere safe."
TURNED_OFF = "Two factors are off. You sign in with your password alone."
CANNOT_TURN_OFF = "Improvement leads and administrators must sign in with two factors."
NO_APP_YET = "Set up an authenticator app first."
NEW_CODES_KEY = "second_factor.new_codes"
AFTER_CODES_KEY = "second_factor.after_codes"
SETUP_KEY = "second_factor.setup"


def _waiting(request):
    """The pending sign-in, or the redirect that answers a request without a live one."""
    sign_in = pending_sign_in.pending(request)
    if sign_in is None:
        return None, redirect("login")
    if sign_in.expired:
        pending_sign_in.discard(request)
        messages.error(request, SIGN_IN_EXPIRED)
        return None, redirect("login")
    if AxesProxyHandler.is_locked(request, {"username": sign_in.user.get_username()}):
        pending_sign_in.discard(request)
        return None, locked_out(request)
    return sign_in, None


def _show_codes(request, codes: list[str], *, then: str):
    request.session[NEW_CODES_KEY] = codes
    request.session[AFTER_CODES_KEY] = then
    return redirect("second_factor_recovery_codes")


def _try_app_code(request, sign_in, form):
    """The sign-in finished (a redirect) if the form holds the app's current code, else None
    with the reason on the form."""
    if not form.is_valid():
        return None
    user = sign_in.user
    throttled = second_factor.is_throttled(second_factor.app_device(user))
    device = second_factor.check_app_code(user=user, code=form.cleaned_data["code"])
    if device is None:
        form.add_error("code", CODE_THROTTLED if throttled else WRONG_APP_CODE)
        pending_sign_in.count_wrong_code(request, sign_in)
        return None
    pending_sign_in.finish(request, sign_in, device)
    return redirect(sign_in.next_url or "dashboard:landing")


def _try_recovery_code(request, sign_in, form):
    if not form.is_valid():
        return None
    user = sign_in.user
    device = second_factor.use_recovery_code(user=user, code=form.cleaned_data["recovery_code"])
    if device is None:
        form.add_error("recovery_code", WRONG_RECOVERY_CODE)
        pending_sign_in.count_wrong_code(request, sign_in)
        return None
    pending_sign_in.finish(request, sign_in, device)
    messages.warning(
        request, RECOVERY_CODE_USED % {"left": second_factor.recovery_codes_left(user)}
    )
    return redirect(sign_in.next_url or "dashboard:landing")


@require_http_methods(["GET", "POST"])
def code(request):
    sign_in, answer = _waiting(request)
    if answer is not None:
        return answer
    if not second_factor.has_second_factor(sign_in.user):
        return redirect("second_factor_setup")
    app_form, recovery_form = AppCodeForm(), RecoveryCodeForm()
    if request.method == "POST":
        if "recovery_code" in request.POST:
            recovery_form = RecoveryCodeForm(request.POST)
            done = _try_recovery_code(request, sign_in, recovery_form)
        else:
            app_form = AppCodeForm(request.POST)
            done = _try_app_code(request, sign_in, app_form)
        if done is not None:
            return done
    context = {"form": app_form, "recovery_form": recovery_form}
    return render(request, "registration/second_factor_code.html", context)


def _setup_key(request, user) -> str:
    held = request.session.get(SETUP_KEY)
    if isinstance(held, dict) and held.get("user") == user.pk and held.get("key"):
        return held["key"]
    key = second_factor.new_app_key()
    request.session[SETUP_KEY] = {"user": user.pk, "key": key}
    return key


def _set_up(request, user, *, action: str):
    """GET: the key as a QR code and as text. POST: the code that proves the app has it; returns
    the new recovery codes, or None with the page to show again."""
    key = _setup_key(request, user)
    form = AppCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        codes = second_factor.turn_on(user=user, key=key, code=form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(SETUP_KEY, None)
            return codes, None
        form.add_error("code", WRONG_SETUP_CODE)
    uri = second_factor.app_uri(user=user, key=key)
    context = {
        "form": form,
        "action": action,
        "typed_key": second_factor.typed_key(key),
        "uri": uri,
        "qr_svg": second_factor.qr_svg(uri),
        "required": second_factor.needs_second_factor(user),
    }
    return None, render(request, "registration/second_factor_setup.html", context)


@require_http_methods(["GET", "POST"])
def setup_on_sign_in(request):
    """A user who must use two factors and has no app yet sets one up before signing in."""
    sign_in, answer = _waiting(request)
    if answer is not None:
        return answer
    if second_factor.has_second_factor(sign_in.user):
        return redirect("second_factor_code")
    codes, page = _set_up(request, sign_in.user, action=reverse("second_factor_setup"))
    if codes is None:
        return page
    pending_sign_in.finish(request, sign_in, second_factor.app_device(sign_in.user))
    return _show_codes(request, codes, then=sign_in.next_url or reverse("dashboard:landing"))


@login_required
@require_http_methods(["GET", "POST"])
def setup_from_account(request):
    codes, page = _set_up(request, request.user, action=reverse("second_factor_turn_on"))
    if codes is None:
        return page
    messages.success(request, TURNED_ON)
    return _show_codes(request, codes, then=reverse("sign_in_security"))


@login_required
@require_http_methods(["GET"])
def recovery_codes(request):
    """The new codes, once: the session forgets them as the page is made."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    then = request.session.pop(AFTER_CODES_KEY, None) or reverse("sign_in_security")
    if not codes:
        return redirect("sign_in_security")
    return render(request, "registration/recovery_codes.html", {"codes": codes, "then": then})


@login_required
@require_http_methods(["GET"])
def security(request):
    user = request.user
    context = {
        "through_provider": second_factor.signed_in_through_provider(request.session),
        "required": second_factor.needs_second_factor(user),
        "turned_on": second_factor.has_second_factor(user),
        "codes_left": second_factor.recovery_codes_left(user),
        "password_account": user.has_usable_password(),
    }
    return render(request, "registration/sign_in_security.html", context)


@login_required
@require_POST
def new_recovery_codes(request):
    if not second_factor.has_second_factor(request.user):
        messages.error(request, NO_APP_YET)
        return redirect("sign_in_security")
    codes = second_factor.new_recovery_codes(user=request.user)
    return _show_codes(request, codes, then=reverse("sign_in_security"))


@login_required
@require_http_methods(["GET", "POST"])
def turn_off(request):
    if second_factor.needs_second_factor(request.user):
        messages.error(request, CANNOT_TURN_OFF)
        return redirect("sign_in_security")
    if not second_factor.has_second_factor(request.user):
        return redirect("sign_in_security")
    data = request.POST if request.method == "POST" else None
    form = PasswordCheckForm(data, user=request.user)
    if form.is_valid():
        second_factor.turn_off(user=request.user)
        messages.success(request, TURNED_OFF)
        return redirect("sign_in_security")
    return render(request, "registration/second_factor_turn_off.html", {"form": form})
