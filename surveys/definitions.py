"""Survey instruments as versioned data: reading and checking a definition (pure, no Django).

A definition is the mapping of one YAML file of ``surveys/instruments/``; :func:`instrument_from_dict`
refuses anything the indices could not rely on (question codes ``<PREFIX>-1`` … ``<PREFIX>-n`` in
order, where ``spak-5`` gives ``SPAK`` and five questions; an integer scale; one label per scale
value). The checked result is a frozen :class:`InstrumentDef`, the form of the definition every
other module reads; the database stores the YAML's mapping (``SurveyInstrument.definition``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
BUNDLED = ("spak-5", "spkp-8", "skm-9", "ipk-10")
# The instrument whose index is the IKM of PermenPANRB 14/2017 (NRR per unsur, bands A–D).
IKM_INSTRUMENTS = frozenset({"skm"})
_CODE = re.compile(r"^([a-z]+)-([1-9][0-9]*)$")


class DefinitionError(ValueError):
    """A definition that cannot be used; the message names what is wrong."""


@dataclass(frozen=True)
class QuestionDef:
    code: str
    aspect: str
    text: str
    help: str
    options: tuple[tuple[int, str], ...]  # (value, label) from the scale's minimum up


@dataclass(frozen=True)
class InstrumentDef:
    code: str
    version: int
    title: str
    source: str
    lke_item: str
    scale_min: int
    scale_max: int
    questions: tuple[QuestionDef, ...]

    @property
    def prefix(self) -> str:
        return self.code.split("-")[0].upper()

    @property
    def is_ikm(self) -> bool:
        return self.code.split("-")[0] in IKM_INSTRUMENTS

    @property
    def question_codes(self) -> tuple[str, ...]:
        return tuple(q.code for q in self.questions)


def _options(raw: Any, lo: int, hi: int, where: str) -> tuple[tuple[int, str], ...]:
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{where}: options must be a mapping value -> label")
    try:
        labels = {int(k): str(v).strip() for k, v in raw.items()}
    except (TypeError, ValueError):
        raise DefinitionError(f"{where}: option values must be integers") from None
    if sorted(labels) != list(range(lo, hi + 1)):
        raise DefinitionError(f"{where}: options must label exactly the values {lo}..{hi}")
    if not all(labels.values()):
        raise DefinitionError(f"{where}: every option needs a label")
    return tuple(sorted(labels.items()))


def instrument_from_dict(data: Mapping[str, Any]) -> InstrumentDef:
    """The checked instrument of ``data``; raises :class:`DefinitionError`."""
    if not isinstance(data, Mapping):
        raise DefinitionError("a definition is a mapping")
    code = str(data.get("code", ""))
    match = _CODE.match(code)
    if match is None:
        raise DefinitionError(f"code {code!r} is not like 'spak-5'")
    count = int(match.group(2))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DefinitionError(f"{code}: version must be a positive integer")
    scale = data.get("scale") or {"min": 1, "max": 4}
    lo, hi = scale.get("min", 1), scale.get("max", 4)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)) or not 0 <= lo < hi <= 100:
        raise DefinitionError(f"{code}: scale must be integers 0 <= min < max <= 100")
    title = str(data.get("title") or "").strip()
    if not title:
        raise DefinitionError(f"{code}: title is required")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list):
        raise DefinitionError(f"{code}: questions must be a list")
    expected = [f"{match.group(1).upper()}-{n}" for n in range(1, count + 1)]
    found = [str(q.get("code", "")) if isinstance(q, Mapping) else "" for q in raw_questions]
    if found != expected:
        raise DefinitionError(f"{code}: question codes must be {', '.join(expected)} in order, not {found}")
    default_options = data.get("options")
    questions = []
    for q in raw_questions:
        text = str(q.get("text") or "").strip()
        if not text:
            raise DefinitionError(f"{q['code']}: text is required")
        questions.append(
            QuestionDef(
                code=q["code"],
                aspect=str(q.get("aspect") or "").strip(),
                text=text,
                help=str(q.get("help") or "").strip(),
                options=_options(q.get("options", default_options), lo, hi, q["code"]),
            )
        )
    return InstrumentDef(
        code=code,
        version=version,
        title=title,
        source=str(data.get("source") or "").strip(),
        lke_item=str(data.get("lke_item") or "").strip(),
        scale_min=lo,
        scale_max=hi,
        questions=tuple(questions),
    )


def read_bundled(code: str) -> dict[str, Any]:
    """The YAML mapping of the bundled instrument ``code`` (e.g. ``"spak-5"``)."""
    return yaml.safe_load((INSTRUMENTS_DIR / f"{code}.yaml").read_text(encoding="utf-8"))
