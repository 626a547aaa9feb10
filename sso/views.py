"""Sign in with the council's own account: start at the provider, come back, be signed in.

Every refusal answers with the site's sign-in page saying what was wrong, and logs why.
"""

import logging

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from sso import handshake, refusals, services, sessions
from sso.backends import BACKEND
from sso.forms import WorkEmailForm
from sso.models import IdentityProvider, domain_of
from sso.refusals import Refused

logger = logging.getLogger(__name__)


def _safe_next(request, url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else ""


def sign_in_page(request, *, refused: Refused | None = None, email="", next_url="", status=200):
    """The site's sign-in page. Its view is a floor above (improvement.accounts), so it is found
    through LOGIN_URL, and its password form with it."""
    view_class = getattr(resolve(resolve_url(settings.LOGIN_URL)).func, "view_class", None)
    form_class = getattr(view_class, "authentication_form", None) or AuthenticationForm
    context = {
        "form": form_class(request),
        "next": next_url,
        "sso_refused": refused.message if refused else "",
        "sso_email": email,
        "password_reset": settings.EMAIL_CONFIGURED,
    }
    return render(request, "registration/login.html", context, status=status)


def _refuse(request, refused: Refused, **page):
    logger.warning("Single sign-on refused: %s", refused.reason)
    return sign_in_page(request, refused=refused, status=refused.status, **page)


@require_http_methods(["GET", "POST"])
def start(request):
    """POSTed by the sign-in page's council form; also a link (GET with ?email=&next=), as an
    invitation sends its person here."""
    data = request.POST if request.method == "POST" else request.GET
    next_url = _safe_next(request, data.get("next", ""))
    if request.method == "GET" and "email" not in data:
        return sign_in_page(request, next_url=next_url)
    form = WorkEmailForm(data)
    page = {"email": data.get("email", "")[:254], "next_url": next_url}
    if not form.is_valid():
        return _refuse(request, Refused(refusals.ENTER_EMAIL, "no e-mail address", 400), **page)
    email = form.cleaned_data["email"]
    provider = IdentityProvider.objects.for_email(email)
    if provider is None:
        domain = domain_of(email)
        refused = Refused(refusals.NO_PROVIDER % {"domain": domain}, f"none for {domain}", 400)
        return _refuse(request, refused, **page)
    try:
        return HttpResponseRedirect(
            handshake.begin(request, provider, email=email, next_url=next_url)
        )
    except Refused as refused:
        return _refuse(request, refused, **page)


@require_GET
def callback(request):
    flow = sessions.take_flow(request)
    try:
        provider, claims = handshake.finish(flow, request.GET)
        user = services.sign_in_person(provider=provider, claims=claims)
    except Refused as refused:
        return _refuse(request, refused, next_url=flow.next if flow else "")
    login(request, user, backend=BACKEND)
    sessions.mark_signed_in(request, provider.pk)
    logger.info("Signed in through %s: %s", provider, user.get_username())
    return HttpResponseRedirect(flow.next or resolve_url(settings.LOGIN_REDIRECT_URL))
