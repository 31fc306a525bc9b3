"""The evidence search (``/bukti/cari/``): matches by each field, the filters, who finds what
(the permission matrix), pagination, the rows' links, and the page's queries at two sizes.

Runs on SQLite (``icontains``) and on PostgreSQL (full-text search on the GIN index of
``search_text``; a test checks the planner can use it)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from evidence import services
from evidence.models import EvidenceAttachment, EvidenceDocument, EvidenceVersion
from evidence.search import SearchFilters, _documents_with_words, evidence_search, search_words
from tests.factories import (
    AssessmentFactory,
    EvidenceAttachmentFactory,
    EvidenceDocumentFactory,
    EvidenceVersionFactory,
    InstansiFactory,
    InstansiRoleFactory,
    MembershipFactory,
    PeriodFactory,
    UserFactory,
    WorkUnitFactory,
)

from .helpers import docx_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def on(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T09:00"))


def evidence(assessment, item, title, name, *, uploader=None, day="2026-02-01", status="pending", removed=False,
             docx=False):
    """A document of the assessment's unit with one version named ``name`` uploaded by
    ``uploader`` on ``day``, attached to ``item``."""
    document = EvidenceDocumentFactory(unit=assessment.unit, title=title)
    extra = {"content": docx_bytes(title), "extension": "docx", "content_type": DOCX} if docx else {}
    version = EvidenceVersionFactory(document=document, original_name=name, uploaded_by=uploader, **extra)
    EvidenceVersion.objects.filter(pk=version.pk).update(uploaded_at=on(day))
    reason = "Belum ditandatangani." if status == "rejected" else ""
    attachment = EvidenceAttachmentFactory(assessment=assessment, item=item, document=document,
                                           review_status=status, review_reason=reason,
                                           removed_at=timezone.now() if removed else None)
    return attachment


@pytest.fixture
def found(lke):
    """Unit A (2026 and 2025), unit B (2026) and a unit of another instansi, with evidence."""
    w = lke
    w.siti = MembershipFactory(unit=w.unit_a, user=UserFactory(username="siti.r", full_name="Siti Rahmawati")).user
    w.kinerja = evidence(w.assessment, w.items[0], "Notulen Rapat Evaluasi", "Laporan_Kinerja-2025.pdf",
                         uploader=w.siti, day="2026-02-10", status="accepted")
    w.sk = evidence(w.assessment, w.items[1], "SK Tim Pembangunan ZI", "sk-tim.pdf", uploader=w.team_a,
                    day="2026-03-15", status="rejected")
    old = AssessmentFactory(unit=w.unit_a, period=PeriodFactory(instansi=w.instansi, year=2025),
                            instrument=w.instrument)
    w.rencana = evidence(old, w.items[0], "Rencana Aksi 2025", "rencana.docx", uploader=w.team_a, day="2025-05-01",
                         docx=True)
    beta = AssessmentFactory(unit=w.unit_b, period=w.period, instrument=w.instrument)
    w.beta = evidence(beta, w.items[0], "SK Tim Unit Beta", "sk-beta.pdf", uploader=w.team_b, day="2026-02-20")
    other_instansi = InstansiFactory(name="Pemerintah Kota Lain")
    unit_c = WorkUnitFactory(instansi=other_instansi, code="UNIT-C", name="Dinas Gama")
    w.leadership_c = InstansiRoleFactory(instansi=other_instansi, user=UserFactory(username="pimpinan.lain")).user
    gamma = AssessmentFactory(unit=unit_c, period=PeriodFactory(instansi=other_instansi, year=2026),
                              instrument=w.instrument)
    w.gamma = evidence(gamma, w.items[0], "SK Tim Kota Lain", "sk-lain.pdf", day="2026-02-20")
    # never found: a removed attachment, a link, a document not attached to any item
    evidence(w.assessment, w.items[2], "SK Tim Lama", "sk-lama.pdf", removed=True)
    EvidenceAttachmentFactory(assessment=w.assessment, item=w.items[2], link=True, link_title="SK Tim tautan")
    EvidenceVersionFactory(document=EvidenceDocumentFactory(unit=w.unit_a, title="SK Tim lepas"))
    return w


def titles(user, **filters) -> list[str]:
    return sorted(a.document.title for a in evidence_search(user, SearchFilters(**filters)))


# --- matching ---------------------------------------------------------------------------------


def test_search_words():
    assert search_words("  Laporan_Kinerja-2025.pdf  ") == ("laporan", "kinerja", "2025", "pdf")
    assert search_words("SK  tim!") == ("sk", "tim")
    assert search_words("") == ()
    assert len(search_words("a b c d e f g h i j")) == 8


@pytest.mark.parametrize("q, expected", [
    ("kinerja", ["Notulen Rapat Evaluasi"]),  # a word of the file name
    ("lapor", ["Notulen Rapat Evaluasi"]),  # a prefix of one
    ("Laporan_Kinerja-2025.pdf", ["Notulen Rapat Evaluasi"]),  # the whole file name
    ("notulen rapat", ["Notulen Rapat Evaluasi"]),  # words of the title
    ("rapat sk", []),  # every word must match
    ("SK TIM", ["SK Tim Pembangunan ZI", "SK Tim Unit Beta"]),  # case does not matter
    ("siti", ["Notulen Rapat Evaluasi"]),  # the uploader's username
    ("rahmawati", ["Notulen Rapat Evaluasi"]),  # the uploader's name
    ("tim.a", ["Rencana Aksi 2025", "SK Tim Pembangunan ZI"]),  # a username as a whole, not its words
    ("siti.r", ["Notulen Rapat Evaluasi"]),
    ("rencana", ["Rencana Aksi 2025"]),
])
def test_matches_by_file_name_title_and_uploader(found, q, expected):
    assert titles(found.leadership, q=q) == expected


def test_matches_by_item_code(found):
    code = found.items[1].code
    assert titles(found.leadership, q=code) == ["SK Tim Pembangunan ZI"]
    assert titles(found.leadership, q=code.lower()) == ["SK Tim Pembangunan ZI"]


def test_an_earlier_file_name_still_finds_the_document(found):
    EvidenceVersionFactory(document=found.kinerja.document, original_name="notulen-final.pdf")
    assert titles(found.leadership, q="kinerja") == ["Notulen Rapat Evaluasi"]
    [row] = evidence_search(found.leadership, SearchFilters(q="final"))
    assert row.pk == found.kinerja.pk


def test_no_words_lists_everything_one_may_see_newest_first(found):
    rows = list(evidence_search(found.leadership, SearchFilters()))
    assert [r.pk for r in rows] == sorted([found.kinerja.pk, found.sk.pk, found.rencana.pk, found.beta.pk],
                                          reverse=True)


# --- filters ----------------------------------------------------------------------------------


def test_filters(found):
    user = found.leadership
    everything = ["Notulen Rapat Evaluasi", "Rencana Aksi 2025", "SK Tim Pembangunan ZI", "SK Tim Unit Beta"]
    assert titles(user) == everything
    assert titles(user, item_code=found.items[0].code) == ["Notulen Rapat Evaluasi", "Rencana Aksi 2025",
                                                          "SK Tim Unit Beta"]
    assert titles(user, uploader="TIM.A") == ["Rencana Aksi 2025", "SK Tim Pembangunan ZI"]
    assert titles(user, uploader="tim") == []  # a username, not a part of one
    assert titles(user, date_from=dt.date(2026, 2, 10), date_to=dt.date(2026, 2, 20)) == [
        "Notulen Rapat Evaluasi", "SK Tim Unit Beta"]
    assert titles(user, date_from=dt.date(2026, 3, 1)) == ["SK Tim Pembangunan ZI"]
    assert titles(user, date_to=dt.date(2025, 12, 31)) == ["Rencana Aksi 2025"]
    assert titles(user, review_status="accepted") == ["Notulen Rapat Evaluasi"]
    assert titles(user, review_status="rejected") == ["SK Tim Pembangunan ZI"]
    assert titles(user, review_status="pending") == ["Rencana Aksi 2025", "SK Tim Unit Beta"]
    assert titles(user, unit_id=found.unit_b.pk) == ["SK Tim Unit Beta"]
    assert titles(user, year=2025) == ["Rencana Aksi 2025"]
    assert titles(user, q="sk", unit_id=found.unit_a.pk, year=2026, review_status="rejected") == [
        "SK Tim Pembangunan ZI"]


# --- who finds what ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona, expected", [
    ("team_a", ["Notulen Rapat Evaluasi", "Rencana Aksi 2025", "SK Tim Pembangunan ZI"]),
    ("leader_a", ["Notulen Rapat Evaluasi", "Rencana Aksi 2025", "SK Tim Pembangunan ZI"]),
    ("team_b", ["SK Tim Unit Beta"]),
    ("tpi_a", ["Notulen Rapat Evaluasi", "SK Tim Pembangunan ZI"]),  # assigned to unit A for 2026 only
    ("tpi_lead", ["SK Tim Unit Beta"]),
    ("tpi_unassigned", []),
    ("leadership", ["Notulen Rapat Evaluasi", "Rencana Aksi 2025", "SK Tim Pembangunan ZI", "SK Tim Unit Beta"]),
    ("admin", ["Notulen Rapat Evaluasi", "Rencana Aksi 2025", "SK Tim Pembangunan ZI", "SK Tim Unit Beta"]),
    ("leadership_c", ["SK Tim Kota Lain"]),
])
def test_permission_matrix(found, login, persona, expected):
    user = getattr(found, persona)
    assert titles(user) == expected
    html = login(user).get(reverse("evidence:search"), {"q": "sk"}).content.decode()
    for attachment in (found.kinerja, found.sk, found.rencana, found.beta, found.gamma):
        version = attachment.document.versions.get()
        shown = attachment.document.title in expected and "sk" in attachment.document.title.lower()
        assert (f'data-evidence-result="{attachment.pk}"' in html) == shown, attachment.document.title
        assert (reverse("evidence:download", args=[version.pk]) in html) == shown


def test_a_member_of_another_unit_finds_nothing_of_this_unit_even_by_exact_name(found):
    for q in ("Laporan_Kinerja-2025.pdf", "notulen", found.items[1].code, "siti.r"):
        assert titles(found.team_b, q=q) == []
    assert titles(found.team_b, unit_id=found.unit_a.pk) == []


def test_anonymous_is_sent_to_login(found, client):
    response = client.get(reverse("evidence:search"), {"q": "sk"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- the page ---------------------------------------------------------------------------------


def test_the_page_shows_each_row_with_links(found, login):
    client = login(found.team_a)
    html = client.get(reverse("evidence:search"), {"q": "", "status": ""}).content.decode()
    kinerja = found.kinerja.document.versions.get()
    rencana = found.rencana.document.versions.get()
    assert "Notulen Rapat Evaluasi" in html and "Laporan_Kinerja-2025.pdf" in html and "Dinas Alfa" in html
    assert "Siti Rahmawati" in html and "10 Feb 2026" in html and "Diterima" in html and "Ditolak" in html
    assert reverse("evidence:history", args=[found.assessment.pk, found.items[0].code]) in html
    assert f'{reverse("evidence:viewer", args=[kinerja.pk])}?lampiran={found.kinerja.pk}' in html
    assert reverse("evidence:download", args=[rencana.pk]) in html
    assert reverse("evidence:viewer", args=[rencana.pk]) not in html  # an office file: download only
    for hidden in ("SK Tim Lama", "SK Tim tautan", "SK Tim lepas", "SK Tim Unit Beta"):
        assert hidden not in html
    # the links work for this user, and for nobody outside
    assert client.get(reverse("evidence:download", args=[kinerja.pk])).status_code == 200
    assert login(found.team_b).get(reverse("evidence:download", args=[kinerja.pk])).status_code == 404


def test_the_unit_choices_are_the_units_one_may_see(found, login):
    html = login(found.tpi_lead).get(reverse("evidence:search")).content.decode()
    assert f'<option value="{found.unit_b.pk}">Dinas Beta</option>' in html
    assert "Dinas Alfa" not in html and "Dinas Gama" not in html


def test_bad_filters_say_why(found, login):
    client = login(found.leadership)
    html = client.get(reverse("evidence:search"), {"dari": "2026-03-01", "sampai": "2026-01-01"}).content.decode()
    assert "Tanggal akhir sebelum tanggal awal." in html and "evidence-search-results" not in html
    html = client.get(reverse("evidence:search"), {"unit": "999999"}).content.decode()
    assert "Masukkan pilihan yang valid." in html
    assert client.get(reverse("evidence:search"), {"halaman": "x"}).status_code == 400
    assert client.get(reverse("evidence:search"), {"halaman": "9"}).status_code == 404


def test_the_navigation_links_the_search(found, login):
    html = login(found.tpi_a).get(reverse("units:home")).content.decode()
    assert f'href="{reverse("evidence:search")}"' in html


def many(lke, count: int) -> None:
    for n in range(count):
        evidence(lke.assessment, lke.items[n % 3], f"Dokumen {n:02d}", f"dokumen-{n:02d}.pdf",
                 uploader=lke.team_a, day="2026-02-01", status=("pending", "accepted", "rejected")[n % 3])


def test_results_are_paginated_keeping_the_filters(lke, login):
    many(lke, 30)
    client = login(lke.leader_a)
    first = client.get(reverse("evidence:search"), {"q": "dokumen"}).content.decode()
    assert first.count("data-evidence-result=") == 25 and "Halaman 1 dari 2" in first and "30 baris" in first
    assert "?q=dokumen&amp;halaman=2" in first
    second = client.get(reverse("evidence:search"), {"q": "dokumen", "halaman": "2"}).content.decode()
    assert second.count("data-evidence-result=") == 5
    assert "Dokumen 00" in second and "Dokumen 29" in first


@pytest.mark.parametrize("count", [1, 20])
def test_the_page_takes_the_same_queries_whatever_the_number_of_rows(lke, login, django_assert_max_num_queries,
                                                                      count):
    many(lke, count)
    client = login(lke.leadership)
    client.get(reverse("evidence:search"))  # warm the session
    with django_assert_max_num_queries(9):
        response = client.get(reverse("evidence:search"), {"q": "dokumen pdf", "status": ""})
    assert response.content.decode().count("data-evidence-result=") == count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text indexes exist on PostgreSQL only")
def test_the_full_text_indexes_are_used_on_postgresql(found):
    # The words are looked up on the documents alone (the scope and the filters join afterwards): the
    # planner can use the GIN index only when the expression is the index's own, which is what this
    # checks. The whole search's plan is left to the planner: with a few rows in a fresh test database
    # it may rightly start from the user's scope (the CI run did), so asserting on it tested the
    # planner's statistics, not our query.
    documents = _documents_with_words(["kinerja", "2025"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny table: otherwise it is rightly read whole
        plan = documents.explain()
    assert "evidencedocument_search_fts" in plan, plan
    assert {row.pk for row in EvidenceDocument.objects.filter(pk__in=documents)} == {found.kinerja.document_id}


def test_the_services_keep_the_search_text(lke):
    outcome = services.evidence_upload(actor=lke.team_a, assessment=lke.assessment, item=lke.item, title="SK Tim",
                                       uploaded_file=upload("SK_Penetapan-2026.pdf", pdf_bytes("a")))
    document = outcome.attachment.document
    document.refresh_from_db()
    assert document.search_text == f"sk tim sk penetapan 2026 pdf tim a {lke.team_a.get_full_name().lower()}"
    services.evidence_replace(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                              attachment=outcome.attachment, uploaded_file=upload("revisi.pdf", pdf_bytes("b")))
    document.refresh_from_db()
    assert document.search_text.startswith("sk tim sk penetapan 2026 pdf tim a ")
    assert document.search_text.endswith(" revisi pdf tim a " + lke.team_a.get_full_name().lower())
    assert titles(lke.team_a, q="penetapan") == ["SK Tim"] == titles(lke.team_a, q="revisi")


def test_removed_and_unattached_are_not_found_by_anyone(found):
    assert titles(found.admin, q="lama") == [] and titles(found.admin, q="lepas") == []
    assert titles(found.admin, q="tautan") == []
    assert EvidenceAttachment.objects.filter(removed_at__isnull=False).count() == 1
