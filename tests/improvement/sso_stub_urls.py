"""The site's URLs, with a stand-in for single sign-on's start page where the sso app serves no
URLs yet: the accept page offers the council's sign-in only when that page exists."""

from django.http import HttpResponse
from django.urls import URLResolver, include, path

from config.urls import urlpatterns as site


def _serves_sso() -> bool:
    return any(isinstance(p, URLResolver) and p.namespace == "sso" for p in site)


def _start(request):
    return HttpResponse(status=204)


urlpatterns = (
    list(site)
    if _serves_sso()
    else [path("sso/", include(([path("start/", _start, name="start")], "sso"))), *site]
)
