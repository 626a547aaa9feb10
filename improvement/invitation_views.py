"""The page an invitation's link opens: a password for a new account, the council's own
sign-in where its domain has one, or, for an account that exists, an "Accept" button once signed
in as that account. An unknown link is a 404; an expired, used or revoked one says which (410)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from improvement import invitation_services
from improvement.invitation_services import InvitationUnusable
from improvement.models import Invitation
from improvement.people_forms import NewAccountForm
from sso.models import IdentityProvider

ACCOUNT_READY = "Your account is ready: sign in with your e-mail address and the new password."
INVITATION_ACCEPTED = "You are now %(role)s of %(plan)s."
USE_COUNCIL_SIGN_IN = "Your council signs you in: use the button below rather than a password."
TEMPLATE = "improvement/invitations/accept.html"


def _refused(request, message: str, *, status: int):
    return render(
        request, "improvement/invitations/refused.html", {"message": message}, status=status
    )


def _unusable(request, error: InvitationUnusable):
    return _refused(request, str(error), status=404 if error.state is None else 410)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request, token):
    try:
        found = invitation_services.usable_invitation(token)
        if request.user.is_authenticated:
            return _signed_in(request, token, found)
        return _signed_out(request, token, found)
    except InvitationUnusable as error:
        return _unusable(request, error)


def _signed_in(request, token: str, found: Invitation):
    if not found.is_for(request.user):
        return _refused(request, invitation_services.NOT_FOR_YOU, status=403)
    if request.method == "POST":
        invitation_services.accept_as(token=token, user=request.user)
        messages.success(
            request,
            INVITATION_ACCEPTED % {"role": _article(found.role_words()), "plan": found.plan},
        )
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, TEMPLATE, {"invitation": found, "step": "accept"})


def _signed_out(request, token: str, found: Invitation):
    if invitation_services.account_for(found.email) is not None:
        login = reverse("login") + "?" + urlencode({"next": request.path})
        return render(request, TEMPLATE, {"invitation": found, "step": "sign_in", "login": login})
    provider = IdentityProvider.objects.for_email(found.email)
    if provider is not None:
        # Council staff sign in with the council's account, never a password of ours.
        start = reverse("sso:start")
        context = {"invitation": found, "step": "sso", "provider": provider, "start": start}
        if request.method == "POST":
            messages.error(request, USE_COUNCIL_SIGN_IN)
        return render(request, TEMPLATE, context)
    form = NewAccountForm(request.POST or None, email=found.email)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_services.accept_with_new_account(
                token=token, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, ACCOUNT_READY)
            return redirect("login")
    return render(request, TEMPLATE, {"invitation": found, "step": "password", "form": form})


def _article(words: str) -> str:
    words = words[0].lower() + words[1:]  # only the role's first word: lead names keep theirs
    return f"an {words}" if words[0] in "aeiou" else f"a {words}"
