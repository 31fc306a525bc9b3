"""The round summary page: per review round its dates, the items returned, answered and still open
(each with the TPI's note, the unit's response and a link to the item), from ``round_data``."""

from __future__ import annotations

from typing import Any

from ..links import item_url
from ..round_data import assessment_rounds


def build_rounds_page(assessment, number: int | None = None) -> dict[str, Any]:
    """``number``: only that round (an unknown number gives no round). Queries: those of
    ``round_data.assessment_rounds`` (four at most), whatever the number of rounds and items."""
    data = assessment_rounds(assessment)
    items = assessment.instrument.engine().item_map
    rounds = []
    for info in data.rounds:
        if number is not None and info.number != number:
            continue
        status = data.statuses[info.number]
        answered = set(status.answered)
        rows = [
            {
                "code": code,
                "text": items[code].text if code in items else "",
                "url": item_url(assessment.pk, code),
                "note": data.notes.get((code, info.number), ""),
                "response": data.responses.get((code, info.number), ()),
                "answered": code in answered,
            }
            for code in status.returned
        ]
        rounds.append({
            "info": info,
            "status": status,
            "rows": rows,
            "answered": [r for r in rows if r["answered"]],
            "still_open": [r for r in rows if not r["answered"]],
        })
    return {
        "assessment": assessment,
        "rounds": rounds,
        "numbers": [r.number for r in data.rounds],
        "number": number,
    }
