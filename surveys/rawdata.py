"""The raw data of a campaign as one canonical file, and its SHA-256 (pure: no Django).

Definition (printed on the survey report, so anyone holding the responses can check it):
- the rows are the campaign's *completed* responses (``selesai`` = Ya), both the counted ones and
  those excluded (suspicious or excluded by the team); responses whose service was not completed
  are not part of it;
- the file is CSV in the import layout: the header ``waktu,jenis_layanan,selesai`` and then the
  campaign's question codes in instrument order; ``waktu`` is the local date-time in ISO 8601 to
  the second (``2026-03-14T09:30:00``), ``selesai`` is ``Ya``, an answer is its integer or ``TT``
  when there is none;
- the data rows are sorted as strings (Python ``sorted`` on each whole line), the separator is a
  comma, the line end ``\\n`` after every line including the last, the encoding UTF-8 without BOM;
  cells are written with the ``csv`` module's minimal quoting (a service type name holding a comma
  or a quote is quoted, as a spreadsheet would).

The hash is the SHA-256 of those bytes, in lowercase hex."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

HEADER = ("waktu", "jenis_layanan", "selesai")


@dataclass(frozen=True)
class RawRow:
    submitted_at: dt.datetime  # local time
    service_type: str
    answers: Mapping[str, int | None]


def _line(cells: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def canonical_csv(rows: Iterable[RawRow], questions: Sequence[str]) -> bytes:
    lines = sorted(
        _line(
            [
                row.submitted_at.replace(tzinfo=None, microsecond=0).isoformat(timespec="seconds"),
                row.service_type,
                "Ya",
                *("TT" if row.answers.get(q) is None else str(row.answers[q]) for q in questions),
            ]
        )
        for row in rows
    )
    return (_line([*HEADER, *questions]) + "".join(lines)).encode("utf-8")


def sha256_of(rows: Iterable[RawRow], questions: Sequence[str]) -> str:
    return hashlib.sha256(canonical_csv(rows, questions)).hexdigest()
