"""Impossible facts and duplicate codes are refused with Indonesian form errors; nothing is saved."""

import pytest
from django.urls import reverse

from units.models import InstansiFact, UnitFact, WorkUnit

pytestmark = pytest.mark.django_db


def test_impossible_unit_facts_are_refused(world, login):
    client = login(world.admin)
    url = reverse("units:unit_fact_edit", args=["UNIT-A", 2026])
    response = client.post(
        url,
        {"findings_followup_pct": "120", "lhkpn_pct": "100", "lhkasn_pct": "-1", "internal_sakip_grade": "Z"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Persentase tidak boleh lebih dari 100." in page
    assert "Persentase tidak boleh kurang dari 0." in page
    assert "Masukkan pilihan yang valid. Z bukan salah satu dari pilihan yang tersedia." in page
    # what was typed is kept
    assert 'value="120"' in page
    assert not UnitFact.objects.filter(unit=world.unit_a).exists()


def test_valid_unit_facts_are_saved_and_updated(world, login):
    client = login(world.admin)
    url = reverse("units:unit_fact_edit", args=["UNIT-A", 2026])
    data = {"findings_followup_pct": "95.5", "lhkpn_pct": "100", "lhkasn_pct": "98", "internal_sakip_grade": "B"}
    assert client.post(url, data).status_code == 302
    data["internal_sakip_grade"] = "BB"
    assert client.post(url, data).status_code == 302
    fact = UnitFact.objects.get(unit=world.unit_a, year=2026)
    assert str(fact.findings_followup_pct) == "95.50"
    assert fact.internal_sakip_grade == "BB"
    assert fact.history.count() == 2


def test_spip_level_7_is_refused(world, login):
    client = login(world.admin)
    url = reverse("units:instansi_fact_edit", args=[world.instansi.pk, 2026])
    response = client.post(url, {"bpk_opinion": "WTP", "sakip_grade": "B", "indeks_rb_grade": "B", "spip_level": "7"})
    assert response.status_code == 200
    assert "Level maturitas SPIP antara 1 dan 5." in response.content.decode()
    assert not InstansiFact.objects.exists()


def test_duplicate_unit_code_is_refused(world, login):
    client = login(world.admin)
    response = client.post(
        reverse("units:unit_create"),
        {"instansi": world.instansi.pk, "name": "Dinas Kembar", "code": "unit-a", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Kode unit ini sudah dipakai unit lain." in response.content.decode()
    assert WorkUnit.objects.filter(name="Dinas Kembar").count() == 0


def test_admin_creates_unit(world, login):
    client = login(world.admin)
    response = client.post(
        reverse("units:unit_create"),
        {
            "instansi": world.instansi.pk,
            "name": "Kecamatan Uji",
            "code": "kec-uji",
            "core_service": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert WorkUnit.objects.get(code="KEC-UJI").name == "Kecamatan Uji"


def test_non_admin_cannot_create_unit(world, login):
    assert login(world.leadership).get(reverse("units:unit_create")).status_code == 403
