"""The contract with the assessments worksheet: it includes the evidence block of every item,
with the attachments ``attachments_by_item`` gives, and the page's queries do not grow with the
number of files."""

import pytest
from django.urls import reverse

from assessments.models import InstrumentItem
from evidence.models import EvidenceVersion
from tests.factories import EvidenceAttachmentFactory

from .test_selectors import make_attachments

pytestmark = pytest.mark.django_db


def worksheet(client, lke):
    return client.get(reverse("assessments:assessment_worksheet", args=[lke.assessment.pk]) + "?area=P.1")


@pytest.mark.parametrize("count", [1, 20])
def test_worksheet_shows_each_items_evidence_block(lke, login, django_assert_max_num_queries, count):
    make_attachments(lke, count)
    client = login(lke.team_a)
    worksheet(client, lke)  # warm caches (instrument engine, sessions) outside the count
    with django_assert_max_num_queries(21):  # 21: the review rounds of the item threads
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


def test_area_and_save_read_their_items_but_count_evidence_of_all(lke, login, django_assert_max_num_queries):
    """An area page and a save's response read the attachments of the items they show only; the score
    bar still counts every item with evidence (here two items outside P.1 and one inside)."""
    items = {i.code: i for i in InstrumentItem.objects.filter(instrument=lke.instrument)}
    for code in ("P.1.i.a", "P.2.i.a", "R.1.i.a"):
        EvidenceAttachmentFactory(link=True, assessment=lke.assessment, item=items[code],
                                  link_url=f"https://example.go.id/{code}", added_by=lke.team_a)
    client = login(lke.team_a)
    html = worksheet(client, lke).content.decode()
    assert "berbukti 3/113" in html
    assert "https://example.go.id/P.1.i.a" in html
    assert "https://example.go.id/P.2.i.a" not in html and "https://example.go.id/R.1.i.a" not in html
    url = reverse("assessments:item_save", args=[lke.assessment.pk, "P.2.i.a"])
    page = client.post(url, {"answer": "Tidak", "note": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "berbukti 3/113" in page
    assert page.count('class="evidence-block"') == 1
    assert "https://example.go.id/P.2.i.a" in page and "https://example.go.id/P.1.i.a" not in page
