"""Read-only JSON API: ``GET /api/v1/units/<CODE>/programme/<YEAR>/``.

Authentication and scoping as ``assessments/api.py``: the browser session or ``Authorization: Token
<key>``; readable by whoever may read the unit's plan of that year (``access.may_read_plan``), every
other unit — missing or not visible — answers 404. A GET writes nothing. Figures are JSON numbers at
full precision, written by ``lke.dumps`` like the assessment API; dates are ISO strings or null.
``monitoring`` lists the TPI's monitoring visits of the year by date: ``{"date", "findings",
"open_recommendations"}`` (open: not closed by the TPI). ``change_agents`` counts the active change
agents of the year, ``sops`` the SOPs in force."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments import lke
from units.api_auth import api_unauthorized, api_user
from zi_portal.common.ratelimits import api_key, rate_limit

from . import access, monitoring, pages, plan, selectors, stages


def _stage(stage: stages.Stage) -> dict:
    return {
        "code": stage.code,
        "label": stage.label,
        "done": stage.done,
        "date": stage.date.isoformat() if stage.date else None,
    }


def _activity(row: pages.ActivityRow) -> dict:
    activity = row.activity
    return {
        "id": activity.pk,
        "area": activity.area,
        "title": activity.title,
        "items": list(activity.lke_items),
        "targets": {plan.quarter_label(q.quarter): q.target for q in row.quarters},
        "realisation": {plan.quarter_label(q.quarter): q.realisation for q in row.quarters},
        "status": activity.status,
        "overdue": row.overdue,
    }


def _visit(visit) -> dict:
    return {
        "date": visit.date.isoformat(),
        "findings": len(visit.findings.all()),
        "open_recommendations": sum(r.status in monitoring.NOT_CLOSED for r in visit.recommendations.all()),
    }


@never_cache
@require_GET
@rate_limit("api", rate="RATELIMIT_API", key=api_key, methods=None)
def programme_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    user = api_user(request)
    if user is None:
        return api_unauthorized()
    try:
        unit, _can_edit = access.unit_for_plan(user, code, year)  # 404 for missing and forbidden alike
    except Http404:
        return JsonResponse({"detail": _("Unit tidak ditemukan.")}, status=404)
    facts = selectors.programme_facts(unit, year)
    tracker = stages.derive(facts)
    page = pages.plan_page(
        selectors.activities_of(selectors.plan_for(unit, year)), year=year, today=timezone.localdate()
    )
    data = {
        "unit": unit.code,
        "year": year,
        "stage": tracker.current_code or None,
        "stages": [_stage(s) for s in tracker.stages],
        "activities": [_activity(row) for group in page.groups for row in group.rows],
        "realisation_pct": page.pct,
        "change_agents": facts.agent_count,  # active agents
        "sops": facts.sop_count,  # SOPs in force
        "monitoring": [_visit(visit) for visit in selectors.visits_of(unit, year)],
    }
    return HttpResponse(lke.dumps(data), content_type="application/json")
