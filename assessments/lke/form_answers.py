"""Turning form input into engine answers, and engine refusals into Indonesian messages.

Pure Python (no Django): the engine's ``AnswerError.kind`` decides the sentence, a
:class:`~assessments.lke.texts.Text` the page renders in its language.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .answers import validate_answers
from .texts import Text, gettext_noop
from .types import AnswerError, HasilItem, Instrument, Item

__all__ = ["MESSAGES", "AnswerInputError", "canonical", "parse_form_answer"]

MESSAGES = {
    "out_of_scale": gettext_noop("Pilihan itu tidak ada pada skala butir ini."),
    "negative_count": gettext_noop("Hitungan tidak boleh negatif."),
    "bad_count": gettext_noop("Isi setiap hitungan dengan bilangan bulat (0 atau lebih)."),
    "bad_counts": gettext_noop("Isi semua hitungan yang diminta butir ini."),
    "bad_index": gettext_noop("Indeks harus angka 0,00 sampai 4,00 dengan paling banyak dua desimal."),
    "wrong_type": gettext_noop("Jawaban tidak sesuai jenis butir ini."),
    "unknown_code": gettext_noop("Butir ini tidak ada pada instrumen."),
}


class AnswerInputError(ValueError):
    def __init__(self, message: Text):
        self.message = message
        super().__init__(message)


def parse_form_answer(item: Item | HasilItem, data: dict[str, Any], prefix: str = "") -> Any:
    """The raw answer for ``item`` from POSTed fields (``None`` = unanswered).

    Options come as ``<prefix>answer``; counts as ``<prefix>count-<input>``; an index as
    ``<prefix>index`` (a comma decimal separator is accepted: "3,60")."""
    kind = item.scale.kind
    if kind == "option":
        value = (data.get(f"{prefix}answer") or "").strip()
        return value or None
    if kind == "percentage":
        raw = {name: (data.get(f"{prefix}count-{name}") or "").strip() for name in item.inputs}
        if not any(raw.values()):
            return None
        if not all(raw.values()):
            raise AnswerInputError(MESSAGES["bad_counts"])
        counts = {}
        for name, text in raw.items():
            try:
                counts[name] = int(text)
            except ValueError:
                raise AnswerInputError(MESSAGES["bad_count"]) from None
        return counts
    value = (data.get(f"{prefix}index") or "").strip().replace(",", ".")
    return value or None


def canonical(instrument: Instrument, code: str, raw: Any) -> Any:
    """Validate ``raw`` with the engine; the JSON-storable canonical answer, or AnswerInputError."""
    if raw is None:
        return None
    try:
        normalized = validate_answers(instrument, {code: raw})[code]
    except AnswerError as exc:
        raise AnswerInputError(MESSAGES.get(exc.kind, MESSAGES["wrong_type"])) from None
    answer = normalized.answer
    if isinstance(answer, Decimal):
        return f"{answer:.2f}"
    return answer
