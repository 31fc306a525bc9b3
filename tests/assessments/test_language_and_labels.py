"""One language and people's words on every page.

A browser that asks for English (Accept-Language, a django_language cookie) still gets Indonesian:
Django's own strings, file sizes, dates and numbers included. The sentences the pure modules build
(state labels, refusals, recommendation reasons, prerequisite figures) reach the page through
gettext, and the pages name rules and recorded values by their labels, never by code identifiers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.lke import Text, gettext_noop
from assessments.models import InstrumentItem
from evidence.models import EvidenceVersion
from zi_portal.common.minipdf import simple_pdf

ROOT = Path(__file__).resolve().parent.parent.parent
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
# a rule name as the engine spells it, standing alone in a list ("total, pengungkit, area_6")
RAW_RULE_KEYS = re.compile(r"(^|[;,]\s*)(total|pengungkit|hasil|ipak|ipkp|area_\S+|\w+_\w+)\s*([;,]|$)")


def english_browser(client):
    client.cookies["django_language"] = "en"
    return client


def text_of(html: str) -> str:
    """What a reader sees: the page without tags, scripts and attribute values."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</div></div>", start)]


def items(lke) -> dict:
    return {i.code: i for i in InstrumentItem.objects.filter(instrument=lke.instrument)}


# --- one language -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_indonesian_whatever_the_browser_asks(client):
    response = english_browser(client).get(reverse("accounts:login"), **ENGLISH)
    page = text_of(response.content.decode())
    assert response.status_code == 200 and response["Content-Language"] == "id"
    # Django's own field label from its Indonesian catalogue, beside ours
    assert "Nama pengguna atau NIP" in page and "Sandi" in page
    assert "Password" not in page and "Username" not in page


def test_worksheet_and_assessment_page_are_indonesian_for_an_english_browser(lke, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lke.unit_a.pencanangan_date = dt.date(2025, 12, 1)
    lke.unit_a.save()
    for code, raw in (("P.1.ii.a", "Ya"), ("P.1.ii.b", "C"), ("P.1.ii.c", "A")):
        services.answer_save(actor=lke.team_a, assessment=lke.assessment, item=items(lke)[code], raw_answer=raw,
                             note="", expected_version=None)
    client = english_browser(login(lke.team_a))
    upload = SimpleUploadedFile("sk.pdf", simple_pdf("SK", ["isi"]), content_type="application/pdf")
    assert client.post(reverse("evidence:upload", args=[lke.assessment.pk, "P.1.i.a"]), {"files": upload},
                       HTTP_HX_REQUEST="true").status_code == 200

    december = timezone.make_aware(dt.datetime(2026, 12, 1, 9, 30))
    EvidenceVersion.objects.update(uploaded_at=december)

    sheet = reverse("assessments:assessment_worksheet", args=[lke.assessment.pk])
    worksheet = client.get(sheet + "?area=P.1", **ENGLISH)
    page = text_of(worksheet.content.decode())
    assert worksheet["Content-Language"] == "id"
    assert re.search(r"\b\d+(,\d)? (bita|KB)\b", page) and "bytes" not in page
    assert "1 Des 2026" in page and "Dec" not in page
    assert "Draf" in page and "Draft" not in page

    detail = client.get(reverse("assessments:assessment_detail", args=[lke.assessment.pk]), **ENGLISH).content.decode()
    page = text_of(detail)
    # P.1.ii: 0,67 of 1,00 with a decimal comma; the progress bar keeps a machine-readable value
    assert "0,67" in page and "0.67" not in page
    assert re.search(r'<progress [^>]*value="\d+(\.\d)?"', detail)
    # a date built by the pure prerequisites module, formatted for the page's language
    assert "pencanangan 1 Desember 2025, evaluasi 31 Mei 2026" in page
    assert "December" not in page and "2025-12-01" not in page
    assert "Belum direkomendasikan" in page


# --- the translation path of the pure modules ------------------------------------------------


@pytest.fixture
def marked_catalogue(monkeypatch):
    """A catalogue that marks every sentence it translates: «…» shows the text went through gettext."""
    monkeypatch.setattr("zi_portal.common.i18n.gettext", lambda message: f"«{message}»")


def test_pure_module_sentences_reach_the_page_through_gettext(lke, login, marked_catalogue):
    client = login(lke.leader_a)
    page = text_of(client.get(reverse("assessments:assessment_detail", args=[lke.assessment.pk])).content.decode())
    assert "«Draf»" in page  # workflow state label
    assert "«Ajukan ke TPI»" in page  # workflow transition button
    assert "«Belum direkomendasikan»" in page  # prerequisites module
    # a recommendation reason: the template translated, and the rule label inside it too
    assert "«Menuju WBK: «Nilai total» 0,00 di bawah minimum 75,00 (PermenPANRB 90/2021" in page
    assert "«Nilai total»: 0,00" in page  # the short line of the same rule
    # a prerequisite figure with dates from the pure module
    assert "«pencanangan 15 Januari 2024, evaluasi 31 Mei 2026»" in page

    # a refused transition (the workflow table's TransitionError) shown as a message
    client = login(lke.team_a)
    submit = reverse("assessments:assessment_transition", args=[lke.assessment.pk, "submit"])
    response = client.post(submit, follow=True)
    assert "«'%(action)s' hanya dapat dilakukan oleh %(roles)s.»" not in response.content.decode()
    assert "«'«Ajukan ke TPI»' hanya dapat dilakukan oleh «pimpinan unit».»" in text_of(response.content.decode())


def test_answer_refusal_reaches_the_worksheet_through_gettext(lke, login, marked_catalogue):
    client = login(lke.team_a)
    url = reverse("assessments:item_save", args=[lke.assessment.pk, "R.1.i.a"])
    engine_item = lke.instrument.engine().item_map["R.1.i.a"]
    first, second = engine_item.inputs[:2]
    response = client.post(url, {f"count-{first}": "3", f"count-{second}": "dua"}, HTTP_HX_REQUEST="true")
    assert "«Isi setiap hitungan dengan bilangan bulat (0 atau lebih).»" in text_of(response.content.decode())


def test_engine_sentences_stay_indonesian_text_for_the_command_line():
    """Text is a str: JSON, the CLI and the API see the Indonesian sentence, unchanged."""
    sentence = Text(gettext_noop("%(rule)s paling tinggi %(figure)s"), rule=gettext_noop("Nilai total"), figure="65,00")
    assert sentence == "Nilai total paling tinggi 65,00"
    assert json.dumps({"reason": sentence}) == '{"reason": "Nilai total paling tinggi 65,00"}'
    assert sentence.params["rule"].template == "Nilai total"


# --- labels, not identifiers -------------------------------------------------------------------


def test_gap_analysis_names_the_rules_it_helps_by_their_labels(lke, login):
    html = login(lke.team_a).get(reverse("assessments:assessment_detail", args=[lke.assessment.pk])).content.decode()
    cells = re.findall(r'<td class="gap-helps">(.*?)</td>', section(html, "gap-analysis"), flags=re.S)
    assert cells, "the gap analysis lists candidate steps"
    assert any("Komponen Pengungkit" in c and "Nilai total" in c for c in cells)
    assert any(re.search(r"Area \d – ", c) for c in cells)
    for cell in cells:
        assert not RAW_RULE_KEYS.search(unescape(cell).strip()), cell


def test_recommendation_groups_reasons_by_predicate_unmet_first_with_the_full_text(lke, login):
    lke.unit_a.public_impact = True
    lke.unit_a.save()
    html = login(lke.team_a).get(reverse("assessments:assessment_detail", args=[lke.assessment.pk])).content.decode()
    box = section(html, "recommendation")
    assert re.findall(r'<section class="mb-2" data-predicate="(\w+)">', box) == ["WBBM", "WBK"]
    wbk = box[box.index('data-predicate="WBK"'):]
    statuses = re.findall(r'data-status="(\w+)"', wbk)
    assert "met" in statuses and "not_met" in statuses
    first_met = statuses.index("met")
    assert all(s == "met" for s in statuses[first_met:])  # every rule not met comes first
    # the met ones fold away; a rule not met shows its short line and keeps its sentence one click away
    assert re.search(r"<details class=\"small\"><summary[^>]*>\d+ syarat terpenuhi</summary>", wbk)
    total = re.search(r'<li class="mb-1" data-rule="total" data-status="not_met">(.*?)</li>', wbk, flags=re.S)
    short, full = total.group(1).split("<details>")
    assert "belum terpenuhi" in text_of(short) and "Nilai total: 0,00 (syarat ≥ 75,00)" in text_of(short)
    assert ("Menuju WBK: Nilai total 0,00 di bawah minimum 75,00 (PermenPANRB 90/2021 Lampiran II Bab III "
            "Tabel 6).") in text_of(full)


def test_audit_page_shows_actions_fields_and_values_in_words(lke, login):
    services.answer_save(actor=lke.team_a, assessment=lke.assessment, item=items(lke)["R.1.i.a"],
                         raw_answer={"jumlah_agen_perubahan": 4, "jumlah_perubahan_dibuat": 2},
                         note="", expected_version=None)
    services.answer_save(actor=lke.team_a, assessment=lke.assessment, item=items(lke)["P.1.i.a"],
                         raw_answer="Ya", note="SK ada", expected_version=None)
    services.assessment_transition(actor=lke.leader_a, assessment=lke.assessment, action="submit")
    html = login(lke.leadership).get(reverse("assessments:assessment_audit", args=[lke.assessment.pk])).content.decode()
    table = text_of(html[html.index('id="audit-table"'):html.index("</table>")])
    assert "Status: Ajukan ke TPI" in table and "Draf" in table and "status: Diajukan" in table
    assert "Jawaban unit" in table and "(catatan unit)" in table
    assert "Jumlah agen perubahan: 4; Jumlah perubahan dibuat: 2" in table
    for raw in ("state.submit", "answer.unit", "unit_answer", "unit_note", "draft", "submitted",
                "jumlah_agen_perubahan", "{'"):
        assert raw not in table, raw
