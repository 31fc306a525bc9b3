from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every configured part answers; 503 with the failing part named otherwise."""
    report, healthy = health_report()
    body: dict[str, str | list[str]] = dict(report)
    if not healthy:
        body["failed"] = [part for part, value in report.items() if value not in ("ok", "in-process")]
    return JsonResponse(body, status=200 if healthy else 503)
