"""Disparity between the unit's self-assessment and the TPI's answers: the engine's arithmetic
against hand-computed figures, the API's ``disparity`` key, and the disparity page."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import lke
from tests.factories.assessments import answers_for

INSTRUMENT = "permenpanrb-90-2021"

# Hand-computed with the bundled instrument (points of the total an item is worth at value 1:
# indicator weight / its number of items for Pengungkit, the item weight for Hasil):
#   P.1.i.b  option  P.1.i 0.5 / 2 = 0.25     unit A (1.0)  TPI C (0.0)   -> -0.25     (A..C: 2 apart)
#   P.1.iv.d option  P.1.iv 1.5 / 4 = 0.375   unit B (0.67) TPI D (0.0)   -> -0.25125  (B..D: 2 apart)
#   P.1.ii.a option  P.1.ii 1.0 / 3           unit Ya       TPI Tidak     -> -1/3      (1 apart)
#   R.1.i.a  percentage R.1.i 2.0 / 2 = 1     unit 4/4 (1)  TPI 1/4 (0.25) -> -0.75
#   B.I.a    index 0-4, weight 17.5           unit 3.60 (0.9 -> 15.75) TPI 3.20 (0.8 -> 14) -> -1.75
#   P.2.ii.a option  P.2.ii 2.0 / 4 = 0.5     unit -        TPI B (0.5)   -> +0.25
#   P.1.i.a  answered by the unit only        -> left out
UNIT = {
    "P.1.i.a": "Ya",
    "P.1.i.b": "A",
    "P.1.iv.d": "B",
    "R.1.i.a": {"jumlah_agen_perubahan": 4, "jumlah_perubahan_dibuat": 4},
    "B.I.a": "3.60",
}
TPI = {
    "P.1.i.b": "C",
    "P.1.iv.d": "D",
    "R.1.i.a": {"jumlah_agen_perubahan": 4, "jumlah_perubahan_dibuat": 1},
    "B.I.a": "3.20",
    "P.2.ii.a": "B",
}
EXPECTED_ORDER = ["B.I.a", "R.1.i.a", "P.1.iv.d", "P.1.i.b", "P.2.ii.a"]  # |points|; ties in instrument order
EXPECTED_AREAS = {
    "1": Decimal("-1.25125"),
    "2": Decimal("0.25"),
    "3": Decimal(0),
    "4": Decimal(0),
    "5": Decimal(0),
    "6": Decimal(0),
}


@pytest.fixture(scope="module")
def engine():
    return lke.bundled_instrument(INSTRUMENT)


def _disparity(engine, unit, tpi):
    return lke.disparity(engine, lke.score(engine, unit), lke.score(engine, tpi))


# --- the pure arithmetic ------------------------------------------------------------------------


def test_hand_computed_items_areas_and_total(engine):
    d = _disparity(engine, UNIT, TPI)
    rows = {i.code: i for i in d.items}
    assert [i.code for i in d.items] == EXPECTED_ORDER
    option = rows["P.1.i.b"]
    assert (option.unit_value, option.tpi_value, option.unit_points, option.tpi_points, option.points) == (
        Decimal("1.0"),
        Decimal("0.0"),
        Decimal("0.25"),
        Decimal("0"),
        Decimal("-0.25"),
    )
    assert option.area == "1" and option.indicator == "P.1.i" and option.more_than_one_option
    assert rows["P.1.iv.d"].points == Decimal("-0.25125") and rows["P.1.iv.d"].unit_points == Decimal("0.25125")
    percentage = rows["R.1.i.a"]
    assert (percentage.unit_value, percentage.tpi_value, percentage.points) == (
        Decimal(1),
        Decimal("0.25"),
        Decimal("-0.75"),
    )
    assert percentage.area == "1" and not percentage.more_than_one_option  # not an option item
    index = rows["B.I.a"]
    assert (index.unit_value, index.tpi_value, index.unit_points, index.tpi_points, index.points) == (
        Decimal("0.9"),
        Decimal("0.8"),
        Decimal("15.75"),
        Decimal("14.0"),
        Decimal("-1.75"),
    )
    assert index.area is None and not index.more_than_one_option
    unanswered = rows["P.2.ii.a"]
    assert unanswered.unit_answer is None and unanswered.unit_value == 0
    assert unanswered.points == Decimal("0.25") and not unanswered.more_than_one_option
    assert "P.1.i.a" not in rows  # the TPI did not answer it
    assert d.areas == EXPECTED_AREAS
    assert d.total == Decimal("-2.75125") == sum(d.areas.values()) + index.points


def test_one_option_apart_is_not_more_than_one(engine):
    d = _disparity(engine, {"P.1.ii.a": "Ya", "P.1.iii.a": "A"}, {"P.1.ii.a": "Tidak", "P.1.iii.a": "B"})
    rows = {i.code: i for i in d.items}
    assert not rows["P.1.ii.a"].more_than_one_option and not rows["P.1.iii.a"].more_than_one_option
    assert rows["P.1.ii.a"].points == -(Decimal("1.0") / 3)


def test_the_total_equals_the_difference_of_totals_when_the_tpi_answers_what_the_unit_answered(engine):
    tpi = {**TPI, "P.1.i.a": "Tidak"}
    tpi.pop("P.2.ii.a")
    unit_score, tpi_score = lke.score(engine, UNIT), lke.score(engine, tpi)
    d = lke.disparity(engine, unit_score, tpi_score)
    # -2.75125, without P.2.ii.a's +0.25, with P.1.i.a's Ya -> Tidak (-0.25)
    assert d.total == tpi_score.total - unit_score.total == Decimal("-3.25125")


def test_no_tpi_answer_no_items(engine):
    d = _disparity(engine, UNIT, {})
    assert d.items == () and d.total == 0 and set(d.areas.values()) == {Decimal(0)}


def test_item_points_weight(engine):
    assert lke.item_points_weight(engine, engine.item_map["P.1.iv.d"]) == Decimal("0.375")
    assert lke.item_points_weight(engine, engine.item_map["B.I.a"]) == Decimal("17.5")


# --- the API and the page -----------------------------------------------------------------------


def _api(client, pk):
    response = client.get(f"/api/v1/assessments/{pk}/")
    assert response.status_code == 200
    return json.loads(response.content, parse_float=Decimal)


@pytest.mark.django_db
def test_the_api_shows_the_disparity_once_the_tpi_has_answered(lke, login):
    answers_for(lke.assessment, UNIT, side="unit")
    client = login(lke.team_a)
    assert "disparity" not in _api(client, lke.assessment.pk)
    answers_for(lke.assessment, TPI, side="tpi")
    data = _api(client, lke.assessment.pk)
    assert data["disparity"]["total"] == Decimal("-2.75125")
    assert data["disparity"]["areas"] == EXPECTED_AREAS
    items = data["disparity"]["items"]
    assert [i["code"] for i in items] == EXPECTED_ORDER
    assert items[0] == {
        "code": "B.I.a",
        "unit_value": Decimal("0.9"),
        "tpi_value": Decimal("0.8"),
        "points": Decimal("-1.75"),
    }
    assert items[1] == {
        "code": "R.1.i.a",
        "unit_value": Decimal(1),
        "tpi_value": Decimal("0.25"),
        "points": Decimal("-0.75"),
    }
    # the values are those of the API's own item breakdowns
    assert items[3]["unit_value"] == data["unit"]["items"]["P.1.i.b"]
    assert items[3]["tpi_value"] == data["tpi"]["items"]["P.1.i.b"]


def _page(pk, **query):
    url = reverse("assessments:assessment_disparity", args=[pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.django_db
def test_the_page_lists_areas_and_items_by_points_at_stake(lke, login):
    answers_for(lke.assessment, UNIT, side="unit")
    answers_for(lke.assessment, TPI, side="tpi")
    page = login(lke.team_a).get(_page(lke.assessment.pk)).content.decode()
    assert "Selisih total: <strong>-2,75</strong> poin" in page
    areas = page.split('id="disparity-areas"')[1].split("</table>")[0]
    assert areas.index('data-area="1"') < areas.index('data-area="2"') < areas.index('data-area="3"')
    assert (
        '<tr data-area="1"><td>1. Manajemen Perubahan</td><td class="text-end">3</td>'
        '<td class="text-end">-1,25</td></tr>' in areas
    )
    items = page.split('id="disparity-items"')[1].split("</table>")[0]
    positions = [items.index(f'data-item="{code}"') for code in EXPECTED_ORDER]
    assert positions == sorted(positions)
    row = items.split('data-item="B.I.a"')[1].split("</tr>")[0]
    assert "<td>3,60</td><td>3,20</td>" in row and ">15,75<" in row and ">14,00<" in row and ">-1,75<" in row
    row = items.split('data-item="R.1.i.a"')[1].split("</tr>")[0]
    assert "<td>100,00%</td><td>25,00%</td>" in row
    row = items.split('data-item="P.2.ii.a"')[1].split("</tr>")[0]
    assert "<td>belum dijawab</td><td>B</td>" in row
    assert 'data-item="P.1.i.a"' not in items
    detail = login(lke.team_a).get(reverse("assessments:assessment_detail", args=[lke.assessment.pk]))
    assert f'href="{_page(lke.assessment.pk)}" id="disparity-link"' in detail.content.decode()


@pytest.mark.django_db
def test_the_filter_keeps_items_more_than_one_option_apart(lke, login):
    answers_for(lke.assessment, {**UNIT, "P.1.ii.a": "Ya"}, side="unit")
    answers_for(lke.assessment, {**TPI, "P.1.ii.a": "Tidak"}, side="tpi")
    page = login(lke.team_a).get(_page(lke.assessment.pk, beda="lebih-dari-satu")).content.decode()
    items = page.split('id="disparity-items"')[1].split("</table>")[0]
    assert items.count("<tr data-item=") == 2
    assert items.index('data-item="P.1.iv.d"') < items.index('data-item="P.1.i.b"')
    assert "Beda lebih dari satu pilihan (2)" in page
    everything = login(lke.team_a).get(_page(lke.assessment.pk)).content.decode()
    assert everything.split('id="disparity-items"')[1].split("</table>")[0].count("<tr data-item=") == 6


@pytest.mark.django_db
def test_before_the_tpi_answers_the_page_says_so(lke, login):
    answers_for(lke.assessment, UNIT, side="unit")
    page = login(lke.leader_a).get(_page(lke.assessment.pk))
    assert page.status_code == 200
    assert "TPI belum menjawab satu butir pun." in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["team_a", "leader_a", "tpi_a", "tpi_lead_a", "leadership"])
def test_who_sees_the_assessment_sees_its_disparity(lke, login, persona):
    assert login(getattr(lke, persona)).get(_page(lke.assessment.pk)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["team_b", "tpi_lead", "tpi_unassigned"])
def test_another_units_people_get_404(lke, login, persona):
    answers_for(lke.assessment, UNIT, side="unit")
    answers_for(lke.assessment, TPI, side="tpi")
    client = login(getattr(lke, persona))
    assert client.get(_page(lke.assessment.pk)).status_code == 404
    assert client.get(_page(lke.assessment.pk + 1000)).status_code == 404
    assert client.get(f"/api/v1/assessments/{lke.assessment.pk}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 5])
def test_page_query_count_does_not_grow_with_items(lke, login, django_assert_max_num_queries, size):
    codes = EXPECTED_ORDER[:size]
    answers_for(lke.assessment, {c: UNIT[c] for c in codes if c in UNIT}, side="unit")
    answers_for(lke.assessment, {c: TPI[c] for c in codes}, side="tpi")
    client = login(lke.team_a)
    with django_assert_max_num_queries(8):
        response = client.get(_page(lke.assessment.pk))
    assert response.content.decode().split('id="disparity-items"')[1].count("<tr data-item=") == size
