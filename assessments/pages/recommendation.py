"""What the assessment page (and the PDF) shows of the recommendation and the gap analysis: the
engine's results with the instrument's labels in place of rule names, ready for a template."""

from __future__ import annotations

from collections.abc import Mapping

from .. import lke

__all__ = ["gap_sections", "rule_labels"]


def rule_labels(engine: lke.Instrument, predicate: str) -> dict[str, str]:
    """Rule name (``total``, ``area_6``, ``capaian_kinerja``) -> the label readers know."""
    tset = engine.thresholds.get(predicate)
    return {r.name: r.label for r in tset.rules} if tset is not None else {}


def gap_sections(engine: lke.Instrument, reports: Mapping[str, lke.GapReport], limit: int = 10) -> list[dict]:
    """One section per predicate not reached: its survey notes, plan (or why there is none) and the
    ``limit`` best candidate steps, each naming the rules it helps by their labels."""
    sections = []
    for pred, report in reports.items():
        labels = rule_labels(engine, pred)

        def row(step, labels=labels) -> dict:
            item = engine.item_map.get(step.item)
            return {
                "item": step.item,
                "item_text": item.text if item is not None else "",
                "current": step.current,
                "next": step.next,
                "points": step.points,
                "description": step.description,
                "helps": [labels.get(name, name) for name in step.helps],
            }

        sections.append({
            "predicate": pred,
            "label": report.label,
            "survey_rules": report.survey_rules,
            "plan": [row(s) for s in report.plan] if report.plan else [],
            "plan_reason": report.plan_reason,
            "candidates": [row(s) for s in report.candidates[:limit]],
        })
    return sections
