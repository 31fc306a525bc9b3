"""Extension points for apps that build on assessments (evidence) without reverse imports.

``evidence`` registers, in its AppConfig.ready():
- a snapshot contributor: ``fn(assessment) -> dict`` merged into the Final snapshot;
- a carry-forward contributor: ``fn(*, actor, source, target) -> int`` copying its rows;
- a demo contributor: ``fn(*, assessment, author) -> int`` adding demo files to a draft;
- an evidence lister: ``fn(assessment) -> dict[item_code, list[dict]]`` for reports and exports;
- an evidence counter: ``fn(assessment_ids) -> dict[assessment pk, int]`` for list pages;
- an item suggester: ``fn(assessment, codes) -> dict[item_code, dict]`` — what another app's records
  suggest as the unit's answer to an item (``programme`` registers one: the year's work plan, monitoring,
  change agents and SOPs). Each dict has ``option``, ``text``, ``links`` ([{"label", "url"}]),
  ``accept_url`` and ``rule``; the worksheet shows it and the team accepts it explicitly;
- a dashboard cell provider: ``fn(units, year) -> dict[unit pk, dict]`` — another app's facts about
  each unit of the dashboard page (``programme``: the unit's stage, its work plan's progress, open
  monitoring recommendations); a fixed number of queries for all the units;
- an attachment lister: ``fn(assessment, *, item_ids=None) -> dict[item pk, list[attachment]]``, the attachment rows
  the worksheet and the detail page hand to the evidence templates.

Apps on top (``reminders``) register an assessment-page panel: ``fn(request, assessment) -> str``, HTML
already rendered by its own template, shown on the assessment detail page under its header (``""`` for
nothing). The view has already checked that the user may see the assessment.

Its audit actions are members of ``models.AuditAction`` like every other (one list, one set of labels).
"""

from collections.abc import Callable

snapshot_contributors: list[Callable] = []
carry_forward_contributors: list[Callable] = []
# fn(*, assessment, author) -> int: demo evidence for a draft assessment (used by seed_demo)
demo_evidence_contributors: list[Callable] = []
evidence_listers: list[Callable] = []
# fn(assessment_ids) -> {assessment pk: number of items with evidence}, one query for all
evidence_counters: list[Callable] = []
# fn(assessment, *, item_ids=None) -> {item pk: [attachment, ...]}, a fixed number of queries for the
# whole assessment (or the items named)
attachment_listers: list[Callable] = []
# fn(units, year) -> {unit pk: dict}, a fixed number of queries for all the units
dashboard_cell_providers: list[Callable] = []
# fn(assessment, codes) -> {item code: suggestion dict}, a fixed number of queries for the codes named
item_suggesters: list[Callable] = []
# fn(request, assessment) -> str: a panel on the assessment detail page
assessment_page_panels: list[Callable] = []


def register_snapshot(fn: Callable) -> Callable:
    if fn not in snapshot_contributors:
        snapshot_contributors.append(fn)
    return fn


def register_carry_forward(fn: Callable) -> Callable:
    if fn not in carry_forward_contributors:
        carry_forward_contributors.append(fn)
    return fn


def register_demo_evidence(fn: Callable) -> Callable:
    if fn not in demo_evidence_contributors:
        demo_evidence_contributors.append(fn)
    return fn


def register_evidence_lister(fn: Callable) -> Callable:
    if fn not in evidence_listers:
        evidence_listers.append(fn)
    return fn


def register_evidence_counter(fn: Callable) -> Callable:
    if fn not in evidence_counters:
        evidence_counters.append(fn)
    return fn


def register_attachment_lister(fn: Callable) -> Callable:
    if fn not in attachment_listers:
        attachment_listers.append(fn)
    return fn


def register_item_suggester(fn: Callable) -> Callable:
    if fn not in item_suggesters:
        item_suggesters.append(fn)
    return fn


def register_dashboard_cells(fn: Callable) -> Callable:
    if fn not in dashboard_cell_providers:
        dashboard_cell_providers.append(fn)
    return fn


def dashboard_cells(units, year) -> dict[int, dict]:
    """Per unit pk, the merged cells of the registered providers (empty without any)."""
    merged: dict[int, dict] = {}
    for fn in dashboard_cell_providers:
        for unit_id, cells in fn(units, year).items():
            merged.setdefault(unit_id, {}).update(cells)
    return merged


def item_suggestions(assessment, codes) -> dict[str, dict]:
    """Per item code (of ``codes``, the items shown), what the registered suggesters offer as the
    unit's answer. Empty when none is registered or none has anything to say."""
    merged: dict[str, dict] = {}
    for fn in item_suggesters:
        merged.update(fn(assessment, codes))
    return merged


def evidence_listing(assessment) -> dict[str, list[dict]]:
    """Per item code, the evidence of ``assessment`` as the registered listers describe it.

    Each entry has ``title``, ``name`` (file name or link), ``date`` (upload/attach datetime),
    ``sha256`` (``""`` for a link), ``url`` (the link, or the portal's download path) and
    ``review_status``. Empty when no lister is registered (the evidence app is not installed)."""
    merged: dict[str, list[dict]] = {}
    for fn in evidence_listers:
        for code, entries in fn(assessment).items():
            merged.setdefault(code, []).extend(entries)
    return merged


def attachments_by_item(assessment, *, item_ids=None) -> dict[int, list]:
    """Per item pk, the attachments of ``assessment`` as the registered listers return them (the
    objects the evidence templates render); ``item_ids`` limits them to those items. Empty when no
    lister is registered."""
    merged: dict[int, list] = {}
    for fn in attachment_listers:
        for item_pk, attachments in fn(assessment, item_ids=item_ids).items():
            merged.setdefault(item_pk, []).extend(attachments)
    return merged


def register_assessment_page_panel(fn: Callable) -> Callable:
    if fn not in assessment_page_panels:
        assessment_page_panels.append(fn)
    return fn


def assessment_page_panels_for(request, assessment) -> list[str]:
    """The non-empty panels the registered apps render for ``assessment`` (in registration order)."""
    return [html for html in (fn(request, assessment) for fn in assessment_page_panels) if html]
