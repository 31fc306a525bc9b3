"""Properties of the engine over generated LKEs (hypothesis, modest example counts)."""

import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.lke import bundled_instrument, dumps, gap_analysis, result_to_json, round2, score

D = Decimal
INSTRUMENT = bundled_instrument("permenpanrb-90-2021")
ITEMS = INSTRUMENT.items
FIGURES = ("total", "pengungkit", "pemenuhan", "reform", "hasil", "bersih_akuntabel", "pelayanan_prima", "ipak",
           "capaian_kinerja", "ipkp")
SETTINGS = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

indices = st.integers(0, 400).map(lambda n: D(n).scaleb(-2))


def answer_for(item):
    kind = item.scale.kind
    if kind == "option":
        return st.sampled_from(list(item.scale.values))
    if kind == "index":
        return indices
    return st.fixed_dictionaries({n: st.integers(0, 25) for n in item.inputs})


lkes = st.fixed_dictionaries({item.code: st.one_of(st.none(), answer_for(item)) for item in ITEMS})


def raised(draw, item, current):
    """An answer for ``item`` whose value is >= that of ``current`` (None counts as 0)."""
    kind = item.scale.kind
    if current is None:
        return draw(answer_for(item))
    if kind == "option":
        value = item.scale.values[current]
        return draw(st.sampled_from([o for o, v in item.scale.values.items() if v >= value]))
    if kind == "index":
        return draw(st.integers(int(current * 100), 400).map(lambda n: D(n).scaleb(-2)))
    counts = dict(current)
    f = item.formula
    if f.kind == "ratio":
        counts[f.numerator[0]] += draw(st.integers(0, 25))
    else:
        counts[f.current] = draw(st.integers(0, counts[f.current]))
    return counts


def full(item):
    """Answers at the item's maximum, with generated counts."""
    kind = item.scale.kind
    if kind == "option":
        return st.just(item.scale.ascending[-1])
    if kind == "index":
        return st.just("4.00")
    f = item.formula

    def build(base, extra):
        counts = {n: base.get(n, 0) for n in item.inputs}
        if f.kind == "ratio":
            counts[f.numerator[0]] = sum(counts[n] for n in f.denominator) + extra
            if sum(counts[n] for n in f.denominator) == 0 and item.zero_denominator_value < 1:
                counts[f.denominator[0]] = 1
                counts[f.numerator[0]] = 1 + extra
        else:
            counts[f.current] = 0
            if item.zero_denominator_value < 1:
                counts[f.previous] = max(1, counts[f.previous])
        return counts

    return st.builds(build, st.fixed_dictionaries({n: st.integers(0, 25) for n in item.inputs}), st.integers(0, 5))


def empty(item):
    """Answers worth 0, with generated counts."""
    kind = item.scale.kind
    if kind == "option":
        return st.just(item.scale.ascending[0])
    if kind == "index":
        return st.just("0.00")
    f = item.formula

    def build(base):
        counts = {n: base.get(n, 0) for n in item.inputs}
        if f.kind == "ratio":
            for n in f.numerator:
                counts[n] = 0
            if sum(counts[n] for n in f.denominator) == 0 and item.zero_denominator_value > 0:
                counts[f.denominator[0]] = 1
        else:
            counts[f.current] = max(counts[f.current], counts[f.previous], 1)
        return counts

    return st.builds(build, st.fixed_dictionaries({n: st.integers(0, 25) for n in item.inputs}))


def snapshot(result):
    out = {f"item:{k}": v for k, v in result.items.items()}
    out.update({f"ind:{k}": v for k, v in result.indicators.items()})
    out.update({f"area:{k}": v for k, v in result.areas.items()})
    out.update({f"areatotal:{k}": v for k, v in result.area_totals.items()})
    out.update({k: getattr(result, k) for k in FIGURES})
    return out


@SETTINGS
@given(lkes)
def test_scores_stay_within_their_weights(answers):
    r = score(INSTRUMENT, answers)
    assert D(0) <= r.total <= D(100)
    assert D(0) <= r.pengungkit <= D(60) and D(0) <= r.hasil <= D(40)
    assert all(D(0) <= v <= D(1) for v in r.items.values())
    assert all(D(0) <= p <= D(100) for p in r.pct.values())
    assert r.total == r.pengungkit + r.hasil
    assert r.unanswered == tuple(i.code for i in ITEMS if answers[i.code] is None)


@SETTINGS
@given(lkes, st.sampled_from([i.code for i in ITEMS]), st.data())
def test_raising_one_answer_never_lowers_any_score(answers, code, data):
    before = score(INSTRUMENT, answers)
    changed = dict(answers)
    changed[code] = raised(data.draw, INSTRUMENT.item_map[code], answers[code])
    after = score(INSTRUMENT, changed)
    old, new = snapshot(before), snapshot(after)
    for key, value in old.items():
        assert new[key] >= value, key
    for pred, t in before.thresholds.items():
        if t.met:
            assert after.thresholds[pred].met


@SETTINGS
@given(st.fixed_dictionaries({i.code: full(i) for i in ITEMS}))
def test_all_maximum_gives_100(answers):
    r = score(INSTRUMENT, answers)
    assert r.total == D(100)
    assert r.predicate == "WBBM"


@SETTINGS
@given(st.fixed_dictionaries({i.code: empty(i) for i in ITEMS}))
def test_all_minimum_gives_0(answers):
    r = score(INSTRUMENT, answers)
    assert r.total == D(0)
    assert r.predicate is None


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(lkes)
def test_a_plan_when_given_meets_every_non_survey_rule(answers):
    r = score(INSTRUMENT, answers)
    for pred, g in gap_analysis(INSTRUMENT, answers, r).items():
        points = [s.points for s in g.candidates]
        assert points == sorted(points, reverse=True)
        assert all(p > 0 for p in points)
        assert not {"B.I.a", "B.II.a"} & {s.item for s in g.candidates}
        if g.plan is None:
            assert g.plan_reason
            continue
        changed = dict(answers)
        changed.update(g.plan_answers)
        after = score(INSTRUMENT, changed)
        assert [f.rule for f in after.thresholds[pred].failures if not f.survey_driven] == []
        assert after.total == g.projected.total


@settings(max_examples=15, deadline=None, database=None)
@given(lkes)
def test_json_numbers_round_trip_exactly(answers):
    r = score(INSTRUMENT, answers)
    doc = json.loads(dumps(result_to_json(r, {})), parse_float=D)
    assert doc["total"] == r.total
    assert doc["areas"] == r.areas
    assert round2(D(str(doc["pengungkit"]))) == round2(r.pengungkit)
