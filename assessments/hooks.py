"""Extension points for apps that build on assessments (evidence) without reverse imports.

``evidence`` registers, in its AppConfig.ready():
- a snapshot contributor: ``fn(assessment) -> dict`` merged into the Final snapshot;
- a carry-forward contributor: ``fn(*, actor, source, target) -> int`` copying its rows;
- a demo contributor: ``fn(*, assessment, author) -> int`` adding demo files to a draft;
- an evidence lister: ``fn(assessment) -> dict[item_code, list[dict]]`` for reports and exports;
- an evidence counter: ``fn(assessment_ids) -> dict[assessment pk, int]`` for list pages;
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
