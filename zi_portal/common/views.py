from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from .health import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when every configured part answers; 503 with the failing part named otherwise."""
    report, healthy = health_report()
    body: dict[str, str | list[str]] = dict(report)
    if not healthy:
        body["failed"] = [part for part, value in report.items() if value not in ("ok", "in-process")]
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_safe
def healthz_live(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers requests. Touches neither the database nor Redis, so an
    outage of either never gets a healthy web process restarted (that is what /healthz reports)."""
    return JsonResponse({"status": "ok"})
