"""The review rounds of one assessment, assembled once for every page that shows them: the item
threads of the worksheet, the round summary page and the round columns of the LKE workbook.

Round N is revision request N (``RevisionRequest.number``): opened when the TPI sent it, closed
when the unit resubmitted. What belongs to which round is decided by ``lke.rounds`` from the
timestamps; this module reads the rows (a fixed number of queries whatever the number of items,
rounds, comments or changes) and puts the rounds' words on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from zi_portal.common.i18n import render_text

from . import lke, selectors
from .models import AuditAction

Rounds = lke.rounds
NOTE_PREVIEW = 120  # characters of a changed note quoted in a thread line or a workbook cell


@dataclass(frozen=True)
class RoundInfo:
    """One round with its words: ``label`` "Putaran 2 · 21–24 Januari 2026", ``dates`` alone."""

    number: int
    opened: dt.datetime
    closed: dt.datetime | None
    label: str
    dates: str
    requested_by: str
    note: str

    @property
    def is_open(self) -> bool:
        return self.closed is None


@dataclass(frozen=True)
class ThreadEntry:
    """One line of an item's thread: a TPI revision note, a comment or a change, in its round."""

    at: dt.datetime
    round: int
    round_label: str
    kind: str  # "note" (the TPI's revision note), "comment" or "change"
    side: str  # "unit" or "tpi"
    author: str
    text: str


@dataclass(frozen=True)
class AssessmentRounds:
    """Everything the pages say about the rounds of one assessment.

    ``notes``/``responses``: (item code, round number) -> the TPI's note / the unit's response
    lines within the round (its comments, then its changes, in time order); ``threads``: item code
    -> entries in time order (the changes of the first assessment left out: they are the filling of
    the LKE, not a conversation)."""

    rounds: tuple[RoundInfo, ...]
    statuses: Mapping[int, lke.rounds.RoundStatus]
    notes: Mapping[tuple[str, int], str]
    responses: Mapping[tuple[str, int], tuple[str, ...]]
    threads: Mapping[str, tuple[ThreadEntry, ...]] = field(default_factory=dict)

    @property
    def current(self) -> RoundInfo | None:
        """The round still open (the revision is requested), if any."""
        return next((r for r in self.rounds if r.is_open), None)

    def by_number(self, number: int) -> RoundInfo | None:
        return next((r for r in self.rounds if r.number == number), None)


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def _name(user) -> str:
    if user is None:
        return _("Sistem")
    return user.get_full_name() or user.username


def _quote(text: str) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= NOTE_PREVIEW else text[: NOTE_PREVIEW - 1] + "…"


def change_text(event) -> str:
    """An audit row of an item as one line: "Jawaban diubah: B → A", "Unggah berkas: x.pdf"."""
    before, after = event.before, event.after
    after_facts = after if isinstance(after, dict) else {}
    if event.action in (AuditAction.ANSWER_UNIT, AuditAction.ANSWER_TPI):
        tpi = event.action == AuditAction.ANSWER_TPI
        if event.field.endswith("_note"):
            template = _("Catatan TPI diubah: %(note)s") if tpi else _("Catatan diubah: %(note)s")
            return template % {"note": _quote(after) if after else "—"}
        template = (_("Jawaban TPI diubah: %(before)s → %(after)s") if tpi
                    else _("Jawaban diubah: %(before)s → %(after)s"))
        return template % {"before": Rounds.answer_words(before), "after": Rounds.answer_words(after)}
    name = after_facts.get("name") or after_facts.get("title") or after_facts.get("url") or ""
    if event.action == AuditAction.EVIDENCE_UPLOAD:
        return _("Unggah berkas: %(name)s") % {"name": name}
    if event.action == AuditAction.EVIDENCE_ATTACH:
        return _("Lampirkan berkas: %(name)s") % {"name": name}
    if event.action == AuditAction.EVIDENCE_LINK:
        return _("Tambah tautan: %(name)s") % {"name": name}
    if event.action == AuditAction.EVIDENCE_REPLACE:
        return _("Ganti berkas: %(name)s (versi %(version)s)") % {"name": name, "version": after_facts.get("version")}
    if event.action == AuditAction.EVIDENCE_REMOVE:
        return _("Lepas lampiran")
    if event.action == AuditAction.EVIDENCE_REVIEW:
        status = after_facts.get("review_status", "")
        words = {"accepted": _("diterima"), "rejected": _("ditolak")}.get(status, status)
        reason = after_facts.get("reason")
        text = _("Tinjauan TPI data dukung: %(status)s") % {"status": words}
        return text + (f" — {_quote(reason)}" if reason else "")
    return str(AuditAction(event.action).label) if event.action in AuditAction.values else event.action


def _event_side(event) -> str:
    return "tpi" if event.action in (AuditAction.ANSWER_TPI, AuditAction.EVIDENCE_REVIEW) else "unit"


def _round_infos(requests) -> tuple[RoundInfo, ...]:
    infos = []
    for r in requests:
        start, end = _local_date(r.created_at), _local_date(r.resolved_at)
        assert start is not None  # a saved request has its creation time
        infos.append(RoundInfo(
            number=r.number, opened=r.created_at, closed=r.resolved_at,
            label=render_text(Rounds.round_label(r.number, start, end)),
            dates=render_text(Rounds.dates_label(start, end)),
            requested_by=_name(r.requested_by), note=r.note,
        ))
    return tuple(infos)


def assessment_rounds(assessment, *, codes: Iterable[str] | None = None,
                      comments: Mapping[str, list] | None = None, threads: bool = False) -> AssessmentRounds:
    """The rounds of ``assessment`` with the notes and responses of every item (``codes``: only
    those items). ``comments``: the items' comments when the caller has them already (else one
    more query); ``threads``: also build each item's thread (the worksheet).

    The statuses count the work on every item only when ``codes`` is None. Queries: the requests and
    their items (2), the changes (1, none before the first round), the comments (1 unless given or
    not needed)."""
    requests = selectors.revision_rounds(assessment)
    infos = _round_infos(requests)
    bounds = [Rounds.Round(r.number, r.opened, r.closed) for r in infos]
    code_set = set(codes) if codes is not None else None
    notes: dict[tuple[str, int], str] = {}
    returned: dict[int, list[str]] = {}
    note_entries: dict[str, list[ThreadEntry]] = {}
    for request, info in zip(requests, infos, strict=True):
        for ri in request.items.all():
            code = ri.item.code
            returned.setdefault(request.number, []).append(code)
            if code_set is not None and code not in code_set:
                continue
            notes[(code, request.number)] = ri.note
            note_entries.setdefault(code, []).append(ThreadEntry(
                at=request.created_at, round=request.number, round_label=info.label, kind="note", side="tpi",
                author=info.requested_by, text=ri.note))
    # the changes before the first round are the filling of the LKE: neither a response nor a thread line
    events = selectors.round_events(assessment, codes=code_set, since=bounds[0].opened) if bounds else []
    if comments is None:
        comments = selectors.comments_by_item(assessment, codes=code_set) if (bounds or threads) else {}
    labels = {r.number: r.label for r in infos}
    labels[Rounds.INITIAL] = render_text(Rounds.round_label(Rounds.INITIAL))

    def label_of(at: dt.datetime) -> tuple[int, str]:
        n = Rounds.round_of(bounds, at)
        return n, labels[n]

    unit_moves: list[tuple[str, dt.datetime]] = []
    response_lines: dict[tuple[str, int], list[tuple[dt.datetime, int, str]]] = {}
    thread_entries: dict[str, list[ThreadEntry]] = {code: list(entries) for code, entries in note_entries.items()}

    def respond(code: str, at: dt.datetime, order: int, text: str) -> None:
        for b in bounds:
            if Rounds.in_window(b, at):
                response_lines.setdefault((code, b.number), []).append((at, order, text))

    for code, item_comments in comments.items():
        for c in item_comments:
            n, label = label_of(c.created_at)
            if threads:
                thread_entries.setdefault(code, []).append(ThreadEntry(
                    at=c.created_at, round=n, round_label=label, kind="comment", side=c.side,
                    author=_name(c.author), text=c.body))
            if c.side == "unit":
                unit_moves.append((code, c.created_at))
                respond(code, c.created_at, 0, _("Komentar: %(body)s") % {"body": _quote(c.body)})
    for e in events:
        side, text = _event_side(e), change_text(e)
        n, label = label_of(e.created_at)
        if threads and n != Rounds.INITIAL:
            thread_entries.setdefault(e.item_code, []).append(ThreadEntry(
                at=e.created_at, round=n, round_label=label, kind="change", side=side, author=_name(e.actor),
                text=text))
        if side == "unit":
            unit_moves.append((e.item_code, e.created_at))
            respond(e.item_code, e.created_at, 1, text)
    return AssessmentRounds(
        rounds=infos,
        statuses=Rounds.round_statuses(bounds, returned, unit_moves),
        notes=notes,
        responses={key: tuple(text for _at, _order, text in sorted(lines, key=lambda x: (x[1], x[0])))
                   for key, lines in response_lines.items()},
        threads={code: tuple(sorted(entries, key=lambda x: x.at)) for code, entries in thread_entries.items()}
        if threads else {},
    )
