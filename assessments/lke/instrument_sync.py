"""Write an instrument definition (the YAML's dict) into the database rows.

Shared by the ``load_instrument`` service and the data migration, so both take the model classes
as arguments (a migration must use its historical models). The caller validates the definition
with the scoring engine first and checks that the stored version is still a draft.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

__all__ = ["CHILD_KEYS", "changed_parts", "checksum", "flatten", "part_fingerprints", "sync_definition"]

# Children lists in the definition, in the order they are walked, with the level they hold.
CHILD_KEYS = (("aspects", "aspect"), ("subcomponents", "subcomponent"), ("areas", "area"), ("indicators", "indicator"))


def checksum(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def flatten(definition: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(nodes, items) in document order; each node/item knows its parent code and level."""
    nodes: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []

    def walk(node: dict[str, Any], level: str, parent: str | None) -> None:
        nodes.append({"code": node["code"], "level": level, "parent": parent, "raw": node})
        for key, child_level in CHILD_KEYS:
            for child in node.get(key) or []:
                walk(child, child_level, node["code"])
        for item in node.get("items") or []:
            items.append({"code": item["code"], "parent": node["code"], "raw": item})

    for component in definition.get("components") or []:
        walk(component, "component", None)
    return nodes, items


def part_fingerprints(definition: dict[str, Any]) -> dict[str, str]:
    """code -> JSON of that part without its children: used to name what a change touches."""
    nodes, items = flatten(definition)
    prints: dict[str, str] = {}
    skip = {key for key, _ in CHILD_KEYS} | {"items"}
    for entry in nodes + items:
        own = {k: v for k, v in entry["raw"].items() if k not in skip}
        prints[entry["code"]] = json.dumps(own, sort_keys=True, ensure_ascii=False)
    for section in ("instrument", "scales", "thresholds", "prerequisites"):
        for key, value in (definition.get(section) or {}).items():
            prints[f"{section}.{key}"] = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return prints


def changed_parts(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    before, after = part_fingerprints(old), part_fingerprints(new)
    return sorted(code for code in before.keys() | after.keys() if before.get(code) != after.get(code))


def sync_definition(
    definition: dict[str, Any],
    *,
    source: str,
    # The model classes (a migration passes its historical ones): Any, because nothing in this
    # package may import Django or the models.
    Instrument: Any,
    AnswerScale: Any,
    ScaleOption: Any,
    InstrumentNode: Any,
    InstrumentItem: Any,
    ThresholdSet: Any,
    PrerequisiteRule: Any,
) -> tuple[Any, str]:
    """Create or update the draft instrument of ``definition`` and its rows; returns (obj, action).

    action is "created", "updated" or "unchanged". Rows are matched by code so their primary keys
    survive an update of a draft.
    """
    header = definition["instrument"]
    digest = checksum(definition)
    instrument = Instrument.objects.filter(code=header["code"]).first()
    if instrument is not None and instrument.checksum == digest:
        return instrument, "unchanged"
    action = "created" if instrument is None else "updated"
    if instrument is None:
        instrument = Instrument(code=header["code"])
    instrument.name = header.get("name", header["code"])
    instrument.legal_basis = header.get("legal_basis", "")
    instrument.effective_date = header.get("effective_date")
    instrument.definition = definition
    instrument.checksum = digest
    instrument.source = source
    instrument.save()

    # Scales, thresholds and prerequisites have no dependants: rewrite them.
    instrument.threshold_sets.all().delete()
    instrument.prerequisite_rules.all().delete()
    scales = {s.code: s for s in instrument.scales.all()}
    for code, raw in (definition.get("scales") or {}).items():
        scale = scales.get(code) or AnswerScale(instrument=instrument, code=code)
        scale.label = raw.get("label", code)
        scale.kind = raw.get("kind", "option")
        scale.save()
        scale.options.all().delete()
        ScaleOption.objects.bulk_create(
            ScaleOption(scale=scale, code=str(opt), value=_dec(val), position=i)
            for i, (opt, val) in enumerate((raw.get("values") or {}).items())
        )
    scale_by_code = {s.code: s for s in instrument.scales.all()}

    nodes, items = flatten(definition)
    existing_nodes = {n.code: n for n in instrument.nodes.all()}
    node_objs: dict[str, Any] = {}
    for position, entry in enumerate(nodes):
        raw = entry["raw"]
        node = existing_nodes.pop(entry["code"], None) or InstrumentNode(instrument=instrument, code=entry["code"])
        node.level = entry["level"]
        node.parent = node_objs.get(entry["parent"])
        node.name = raw.get("name", "")
        node.weight = _dec(raw.get("weight", 0))
        node.key = raw.get("key", "")
        node.position = position
        node.save()
        node_objs[node.code] = node

    existing_items = {i.code: i for i in instrument.items.all()}
    for position, entry in enumerate(items):
        raw = entry["raw"]
        item = existing_items.pop(entry["code"], None) or InstrumentItem(instrument=instrument, code=entry["code"])
        item.node = node_objs[entry["parent"]]
        item.scale = scale_by_code[raw["scale"]]
        item.text = raw.get("text", "")
        item.weight = _dec(raw.get("weight"))
        item.formula = raw.get("formula")
        item.inputs = list(raw.get("inputs") or [])
        item.zero_denominator_value = _dec(raw.get("zero_denominator_value"))
        item.option_descriptions = raw.get("options") or {}
        item.typical_evidence = raw.get("typical_evidence", "")
        item.position = position
        item.save()
    for stale in existing_items.values():
        stale.delete()
    for stale in sorted(existing_nodes.values(), key=lambda n: -n.position):
        stale.delete()
    for code, scale in list(scale_by_code.items()):
        if code not in (definition.get("scales") or {}):
            scale.delete()

    for predicate, raw in (definition.get("thresholds") or {}).items():
        rules = {k: v for k, v in raw.items() if k not in ("label", "per_area_mode")}
        ThresholdSet.objects.create(
            instrument=instrument,
            predicate=predicate,
            label=raw.get("label", predicate),
            per_area_mode=raw.get("per_area_mode", "combined"),
            rules=rules,
        )
    prereqs = (definition.get("prerequisites") or {}).get("predicates") or {}
    for predicate, rules in prereqs.items():
        for position, rule in enumerate(rules or []):
            PrerequisiteRule.objects.create(
                instrument=instrument,
                predicate=predicate,
                code=rule.get("code", f"rule-{position}"),
                level=rule.get("level", ""),
                label=rule.get("label", ""),
                spec=rule,
                position=position,
            )
    return instrument, action
