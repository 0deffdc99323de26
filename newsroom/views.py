from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def ping(request):
    """Liveness check, and the benchmark's ceiling: the middleware stack with no database."""
    return HttpResponse("pong", content_type="text/plain")
