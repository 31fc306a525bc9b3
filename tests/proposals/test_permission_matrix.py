"""Every page of proposals against every persona: the page, 404 (as for what does not exist), or the
login page. A new URL without a row here fails ``test_every_proposals_url_is_in_the_matrix``."""

import datetime as dt

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from assessments.models import TpnItemNote
from tests.factories import InstansiFactory, InstansiRoleFactory, PeriodFactory, UserFactory

from .conftest import recorded

pytestmark = pytest.mark.django_db
PERSONAS = ["team_a", "leader_a", "tpi_a", "leadership", "admin", "team_b", "tpi_lead", "tpi_unassigned"]
LEADERS = {"leadership", "admin"}
SANGGAH_READERS = {"team_a", "leader_a", "tpi_a", "leadership", "admin"}
UNIT = {"team_a", "leader_a"}


@pytest.fixture
def matrix(shortlist):
    recorded(shortlist.a, sanggah_deadline=timezone.localdate() + dt.timedelta(days=3))
    TpnItemNote.objects.create(assessment=shortlist.a, item_code="P.1.i.a", note="SK belum ada")
    return shortlist


def _rows(w):
    pid, pk = w.period.pk, w.a.pk
    return [
        ("period_list", "get", reverse("proposals:period_list"), {}, LEADERS, 200),
        ("shortlist", "get", reverse("proposals:shortlist", args=[pid]), {}, LEADERS, 200),
        ("quota_set", "post", reverse("proposals:quota_set", args=[pid]), {"quota": "2"}, LEADERS, 302),
        ("pick", "post", reverse("proposals:pick", args=[pid]), {"assessment": [w.b.pk]}, LEADERS, 302),
        # after the pick: b is proposed (for the personas who may pick)
        ("cover_letter", "post", reverse("proposals:cover_letter", args=[pid]), {}, LEADERS, 302),
        ("sptjm", "post", reverse("proposals:sptjm", args=[pid, w.b.pk]), {}, LEADERS, 302),
        ("sanggah", "get", reverse("proposals:sanggah", args=[pk]), {}, SANGGAH_READERS, 200),
        ("sanggah_item_save", "post", reverse("proposals:sanggah_item_save", args=[pk, "P.1.i.a"]),
         {"argument": "x"}, UNIT, 302),
        ("sanggah_send", "post", reverse("proposals:sanggah_send", args=[pk]), {}, UNIT, 302),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(matrix, client, persona):
    client.force_login(getattr(matrix, persona), backend="units.backends.UsernameOrNipBackend")
    for name, method, url, data, allowed, status in _rows(matrix):
        response = getattr(client, method)(url, data)
        expected = status if persona in allowed else 404
        assert response.status_code == expected, (name, persona, response.status_code)


def test_anonymous_is_sent_to_login(matrix, client):
    for name, method, url, data, _allowed, _status in _rows(matrix):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_a_sanggah_of_an_assessment_without_result_is_404(shortlist, login):
    response = login(shortlist.leader_a).get(reverse("proposals:sanggah", args=[shortlist.a.pk]))
    assert response.status_code == 404


def test_every_proposals_url_is_in_the_matrix(matrix):
    names = {p.name for p in get_resolver("proposals.urls").url_patterns}
    assert names == {row[0] for row in _rows(matrix)}


def test_leadership_of_another_instansi_gets_404(matrix, login):
    instansi = InstansiFactory(name="Pemerintah Kota Lain")
    other = InstansiRoleFactory(instansi=instansi, user=UserFactory(username="pimpinan.lain")).user
    client = login(other)
    assert client.get(reverse("proposals:shortlist", args=[matrix.period.pk])).status_code == 404
    response = client.post(reverse("proposals:pick", args=[matrix.period.pk]), {"assessment": [matrix.b.pk]})
    assert response.status_code == 404
    assert client.get(reverse("proposals:sanggah", args=[matrix.a.pk])).status_code == 404
    assert client.get(reverse("proposals:period_list")).status_code == 404  # no period of their own yet
    PeriodFactory(instansi=instansi, year=2026)
    page = client.get(reverse("proposals:period_list")).content.decode()
    assert "Pemerintah Kota Lain — 2026" in page and "Pemerintah Kota Uji" not in page
