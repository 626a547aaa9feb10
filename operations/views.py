from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from operations import health


@never_cache
@require_GET
def health_check(request):
    """Open to anyone, as load balancers ask without signing in: it names no data."""
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)
