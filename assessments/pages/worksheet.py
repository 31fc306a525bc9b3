"""Builds what the worksheet templates show, from already-fetched rows (a fixed number of queries
whatever the number of items, files or comments)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from zi_portal.common.urlmaker import Slot, UrlMaker

from .. import hooks, lke, selectors
from ..access import side_of
from ..links import item_dom_id
from ..round_data import AssessmentRounds, assessment_rounds
from ..standing import assessment_scores
from .scores import assessment_progress


def _labels() -> dict[str, str]:
    """The fixed words of every item, translated once per page instead of once per item."""
    return {
        "reconfirm": _("perlu konfirmasi ulang"),
        "typical_evidence": _("Data dukung lazim"),
        "revision_note": _("Catatan perbaikan TPI"),
        "saved": _("Tersimpan."),
        "unit_answer": _("Jawaban unit"),
        "tpi_answer": _("Jawaban TPI"),
        "value": _("nilai"),
        "comments": _("Komentar"),
        "no_comments": _("Belum ada komentar."),
        "round": _("Putaran"),
        "comment_placeholder": _("Tulis komentar…"),
        "comment_send": _("Kirim komentar"),
        "options": _("Pilihan jawaban"),
        "index": _("Indeks (0,00–4,00)"),
        "note": _("Catatan"),
        "save": _("Simpan"),
        "suggestion": _("Saran dari program kerja"),
        "suggestion_accept": _("Terima saran"),
        "suggestion_taken": _("sudah menjadi jawaban unit"),
        "member_answer": _("Usulan anggota TPI"),
        "lead_answer": _("Keputusan ketua TPI"),
        "final_answer": _("Nilai akhir TPI"),
        "not_decided": _("belum diputuskan"),
        "agree": _("Setujui usulan"),
        "copy_select": _("pilih untuk disalin"),
    }


def _area_sections(engine) -> list[dict]:
    sections = [
        {"code": area.code, "name": area.name, "weight": area.weight, "items": [
            item for indicator in area.indicators for item in indicator.items
        ], "indicators": area.indicators}
        for area in engine.areas
    ]
    sections.append({"code": "B", "name": _("Hasil"), "weight": engine.weights.get("hasil"),
                     "items": list(engine.hasil_items), "indicators": ()})
    return sections


def _options(engine_item) -> list[dict]:
    scale = engine_item.scale
    if scale.kind != "option":
        return []
    descriptions = getattr(engine_item, "options", {}) or {}
    return [
        {"code": code, "value": value, "description": descriptions.get(code, "")}
        for code, value in sorted(scale.values.items(), key=lambda kv: -kv[1])
    ]


def _base(assessment, roles, codes: list[str] | None = None) -> dict[str, Any]:
    """What every item of the worksheet needs. ``codes``: the items shown (an area, or the one item
    a save answers with) — only their rows, comments and attachments are read; the scores and the
    progress are those of the whole assessment still (the items with evidence counted in SQL)."""
    engine = assessment.instrument.engine()
    answers = selectors.assessment_answers(assessment)
    scores = assessment_scores(assessment, answers)
    rows = selectors.item_rows(assessment, codes=codes)
    attachments = hooks.attachments_by_item(assessment, item_ids=[row.pk for row in rows.values()])
    with_evidence = selectors.items_with_evidence_many([assessment])[assessment.pk]
    comments = selectors.comments_by_item(assessment, codes=codes)
    # no item shown (the score bar alone): no thread to label
    rounds = assessment_rounds(assessment, codes=codes, comments=comments, threads=True) if codes != [] \
        else AssessmentRounds(rounds=(), statuses={}, notes={}, responses={})
    # the last round's notes while the unit works on them and until the TPI takes the LKE up again
    latest = rounds.rounds[-1] if rounds.rounds and assessment.state in (
        lke.workflow.REVISION_REQUESTED, lke.workflow.RESUBMITTED) else None
    revision_notes = {code: note for (code, n), note in rounds.notes.items() if latest and n == latest.number}
    return {
        "engine": engine,
        "answers": answers,
        "scores": scores,
        "rows": rows,
        "attachments": attachments,
        "comments": comments,
        "suggestions": hooks.item_suggestions(assessment, codes),
        "revision_notes": revision_notes,
        "revision_round": latest.label if latest else "",
        "threads": rounds.threads,
        "progress": assessment_progress(assessment, answers, with_evidence),
        "side": side_of(roles),
        "can_edit_unit": lke.workflow.unit_may_edit(assessment.state, roles),
        "can_score_tpi": lke.workflow.tpi_may_score(assessment.state, roles),
        "can_comment": side_of(roles) is not None and assessment.state != lke.workflow.RESULT_RECORDED,
        "two_tier": assessment.period.review_tiers == lke.tiers.TWO,
        "tier": lke.tiers.tier_of(assessment.period.review_tiers, roles),
        "save_url": UrlMaker("assessments:item_save", assessment.pk, Slot()),
        "agree_url": UrlMaker("assessments:item_agree", assessment.pk, Slot()),
        "comment_url": UrlMaker("assessments:item_comment", assessment.pk, Slot()),
    }


def _item(assessment, base: dict, engine_item, **extra) -> dict[str, Any]:
    code = engine_item.code
    answer = base["answers"].get(code)
    row = base["rows"][code]
    submitted = extra.get("submitted")
    scoring, tier = base["can_score_tpi"], base["tier"]
    member_answer = answer.member_answer if answer else None
    lead_answer = answer.lead_answer if answer else None
    return {
        "assessment": assessment,
        "code": code,
        "dom_id": item_dom_id(code),
        "save_url": base["save_url"](code),
        "comment_url": base["comment_url"](code),
        "def": engine_item,
        "row": row,
        "item": row,  # the evidence partial's contract
        "options": _options(engine_item),
        "kind": engine_item.scale.kind,
        "answer": answer,
        "unit_value": base["scores"]["unit"].items.get(code),
        "tpi_value": base["scores"]["tpi"].items.get(code),
        "version": answer.version if answer else 0,
        "submitted": submitted,
        "typed_counts": {n: submitted.get(f"count-{n}", "") for n in engine_item.inputs} if submitted else None,
        "attachments": base["attachments"].get(row.pk, []),
        "comments": base["comments"].get(code, []),
        "thread": base["threads"].get(code, ()),
        "suggestion": base["suggestions"].get(code),
        "revision_note": base["revision_notes"].get(code, ""),
        "revision_round": base["revision_round"],
        "can_edit_unit": base["can_edit_unit"],
        "can_score_tpi": base["can_score_tpi"],
        "can_edit": base["can_edit_unit"],  # the evidence partial's contract
        "can_review": base["can_score_tpi"],
        "two_tier": base["two_tier"],
        # two tiers: the member writes its proposal until the lead decides; the lead decides, or agrees
        "can_propose": scoring and tier == lke.tiers.MEMBER and lead_answer is None,
        "can_decide": scoring and tier == lke.tiers.LEAD,
        "can_agree": scoring and tier == lke.tiers.LEAD and member_answer is not None and lead_answer != member_answer,
        "agree_url": base["agree_url"](code),
        "can_comment": base["can_comment"],
        "error": extra.get("error"),
        "saved": extra.get("saved", False),
        "comment_error": extra.get("comment_error"),
        "comment_body": extra.get("comment_body", ""),
    }


def build_worksheet(assessment, roles, area: str | None) -> dict[str, Any]:
    all_sections = _area_sections(assessment.instrument.engine())
    # An unknown area shows them all.
    sections = [s for s in all_sections if s["code"] == area] if area else []
    sections = sections or all_sections
    base = _base(assessment, roles, None if sections is all_sections
                 else [it.code for section in sections for it in section["items"]])
    for section in sections:
        section["rows"] = [_item(assessment, base, it) for it in section["items"]]
    return {
        "assessment": assessment,
        "labels": _labels(),
        "sections": sections,
        "area": area or "",
        "area_codes": [s["code"] for s in all_sections],
        "scores": base["scores"],
        "progress": base["progress"],
        "side": base["side"],
        "can_edit_unit": base["can_edit_unit"],
        "can_score_tpi": base["can_score_tpi"],
        "two_tier": base["two_tier"],
        "copy_url": reverse("assessments:tpi_copy_from_unit", args=[assessment.pk]),
    }


def build_item_context(assessment, roles, code: str, **extra) -> dict[str, Any]:
    """One item re-rendered after a save or a comment, with the score bar for an out-of-band swap."""
    base = _base(assessment, roles, codes=[code])
    engine_item = base["engine"].item_map[code]
    return {"it": _item(assessment, base, engine_item, **extra), "labels": _labels(), "assessment": assessment,
            "scores": base["scores"], "progress": base["progress"], "oob": True}


def build_score_bar(assessment, roles) -> dict[str, Any]:
    base = _base(assessment, roles, codes=[])
    return {"assessment": assessment, "scores": base["scores"], "progress": base["progress"]}
