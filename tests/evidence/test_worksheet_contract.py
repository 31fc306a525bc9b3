"""The contract with the assessments worksheet: it includes the evidence block of every item,
with the attachments ``attachments_by_item`` gives, and the page's queries do not grow with the
number of files."""

import pytest
from django.urls import reverse

from evidence.models import EvidenceVersion

from .test_selectors import make_attachments

pytestmark = pytest.mark.django_db


def worksheet(client, lke):
    return client.get(reverse("assessments:assessment_worksheet", args=[lke.assessment.pk]) + "?area=P.1")


@pytest.mark.parametrize("count", [1, 20])
def test_worksheet_shows_each_items_evidence_block(lke, login, django_assert_max_num_queries, count):
    make_attachments(lke, count)
    client = login(lke.team_a)
    worksheet(client, lke)  # warm caches (instrument engine, sessions) outside the count
    with django_assert_max_num_queries(20):
        response = worksheet(client, lke)
    assert response.status_code == 200
    html = response.content.decode()
    for item in lke.items:
        assert f'id="evidence-{item.code.replace(".", "-")}"' in html
    # The last version of each document wins: the newest, which is what the block links to.
    newest = {v.document_id: v for v in EvidenceVersion.objects.order_by("document_id", "number")}
    for version in newest.values():
        assert reverse("evidence:download", args=[version.pk]) in html
    assert "js/evidence-upload.js" in html
