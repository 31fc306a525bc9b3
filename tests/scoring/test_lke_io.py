"""The lke_score contract without Django: input parsing, JSON/text output, exit codes."""

import json
from decimal import Decimal

import pytest

from assessments.lke import (
    BUNDLED_DIR,
    JSON_KEYS,
    LkeInputError,
    bundled_instrument,
    dumps,
    load_instrument_file,
    parse_input,
    result_to_json,
    run,
    score,
)

from .builders import max_answers

D = Decimal
CODE = "permenpanrb-90-2021"


def entry(answers):
    return {"instrument": CODE, "answers": answers}


def jsonable(answers):
    return {k: (float(v) if k in ("B.I.a", "B.II.a") else v) for k, v in answers.items()}


@pytest.fixture
def resolver(instrument):
    return lambda code: instrument if code == CODE else None


def test_json_output_keys_and_numbers(instrument, resolver):
    answers = max_answers(instrument)
    answers["P.1.ii.b"] = "C"
    code, out, err = run(json.dumps(entry(jsonable(answers))), "json", resolver)
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert list(doc) == list(JSON_KEYS) == [
        "instrument", "total", "pengungkit", "pemenuhan", "reform", "hasil", "bersih_akuntabel", "pelayanan_prima",
        "areas", "area_totals", "indicators", "items", "unanswered", "thresholds", "predicate", "gaps",
    ]
    assert list(doc["areas"]) == [f"P.{n}" for n in range(1, 7)] + [f"R.{n}" for n in range(1, 7)]
    assert list(doc["area_totals"]) == ["1", "2", "3", "4", "5", "6"]
    assert isinstance(doc["total"], float) and isinstance(doc["indicators"]["P.1.ii"], float)
    assert doc["thresholds"]["WBK"] == {"met": True, "failures": []}
    assert doc["thresholds"]["WBBM"]["met"] is True
    assert doc["predicate"] == "WBBM"
    assert doc["unanswered"] == []
    assert doc["gaps"] == {}
    # full precision: read back as Decimal, the numbers are the engine's Decimals
    exact = json.loads(out, parse_float=D)
    result = score(instrument, answers)
    assert exact["total"] == result.total
    assert exact["indicators"]["P.1.ii"] == D("0.6666666666666666666666666667")
    assert '"P.1.ii": 0.6666666666666666666666666667' in out
    assert exact["items"]["P.1.ii.b"] == 0


def test_failures_and_gaps_in_json(instrument, resolver):
    answers = max_answers(instrument, ipak=D("3.59"), capaian="B")
    code, out, _ = run(dumps(entry(answers)), "json", resolver)
    assert code == 0
    doc = json.loads(out, parse_float=D)
    assert doc["predicate"] is None
    failure = doc["thresholds"]["WBK"]["failures"][0]
    assert failure == {
        "rule": "ipak", "label": "Nilai Indeks Persepsi Anti Korupsi (IPAK)", "figure": D("15.70625"),
        "figure_rounded": D("15.71"), "minimum": D("15.75"), "unit": "poin",
        "source": "PermenPANRB 90/2021 Lampiran II Bab III Tabel 6", "survey_driven": True,
    }
    assert set(doc["gaps"]) == {"WBK", "WBBM"}
    wbbm = doc["gaps"]["WBBM"]
    # Bersih dan Akuntabel 15.70625 + 3.75 = 19.45625 -> 19.46 < 19.50; Capaian A lifts it
    assert wbbm["failing"] == ["bersih_akuntabel", "ipak"]
    assert wbbm["plan_answers"] == {"B.I.b": "A"}
    assert wbbm["projected"]["total"] == D("98.20625")
    assert wbbm["survey_rules"][0]["index_needed"] == D("3.60")
    assert wbbm["candidates"][0]["item"] == "B.I.b" and wbbm["candidates"][0]["points"] == D("1.25")


def test_list_input_keeps_order(instrument, resolver):
    entries = [entry({}), entry(jsonable(max_answers(instrument))), entry({"P.1.i.a": "Ya"})]
    code, out, err = run(json.dumps(entries), "json", resolver)
    assert code == 0, err
    docs = json.loads(out, parse_float=D)
    assert [d["total"] for d in docs] == [0, 100, D("0.25")]
    assert [len(d["unanswered"]) for d in docs] == [113, 0, 112]


def test_null_answer_is_unanswered(resolver):
    code, out, _ = run(json.dumps(entry({"P.1.i.a": None, "P.1.i.b": "A"})), "json", resolver)
    assert code == 0
    doc = json.loads(out)
    assert "P.1.i.a" in doc["unanswered"] and "P.1.i.b" not in doc["unanswered"]


BAD = [
    (entry({"P.1.i.b": "F"}), "item P.1.i.b: answer 'F' is outside scale ABC (allowed: A, B, C)"),
    (entry({"P.9.z": "A"}), "item P.9.z: unknown item code for instrument permenpanrb-90-2021"),
    (entry({"R.1.i.a": {"jumlah_agen_perubahan": -1, "jumlah_perubahan_dibuat": 2}}),
     "item R.1.i.a: count jumlah_agen_perubahan must not be negative, got -1"),
    (entry({"B.I.a": 4.5}), "item B.I.a: index 4.5 is outside 0-4"),
    (entry({"B.II.a": 3.555}), "item B.II.a: index 3.555 has more than 2 decimals"),
    (entry({"R.6.i.b": {"jumlah_layanan_terdata": 3}}),
     "item R.6.i.b: missing input(s) jumlah_layanan_dipermudah (expected jumlah_layanan_terdata, "
     "jumlah_layanan_dipermudah)"),
]


@pytest.mark.parametrize(("doc", "message"), BAD)
def test_bad_answers_exit_2_with_one_line_naming_the_item(resolver, doc, message):
    code, out, err = run(json.dumps(doc), "json", resolver)
    assert (code, out, err) == (2, "", message + "\n")


@pytest.mark.parametrize(("doc", "message"), BAD[:2])
def test_bad_answer_in_a_list_names_the_entry(resolver, doc, message):
    code, out, err = run(json.dumps([entry({}), doc]), "text", resolver)
    assert (code, out, err) == (2, "", f"entry 2: {message}\n")


@pytest.mark.parametrize(("text", "message"), [
    ('{"instrument": ', "malformed JSON: Expecting value at line 1 column 16"),
    ("", "malformed JSON: Expecting value at line 1 column 1"),
    ('{"instrument": "permenpanrb-90-2021", "answers": {"B.I.a": NaN}}', "malformed JSON: NaN is not a number"),
    ('"hello"', 'expected an object {"instrument": ..., "answers": {...}} or a list of such objects'),
    ('{"instrument": "permenpanrb-90-2021"}', '"answers" must be an object of item code -> answer'),
    ('{"answers": {}}', 'missing "instrument" (an instrument code)'),
    ('{"instrument": "permenpanrb-52-2014", "answers": {}}', "unknown instrument 'permenpanrb-52-2014'"),
    ('[{"instrument": "permenpanrb-90-2021", "answers": {}}, 3]',
     'entry 2: expected an object {"instrument": ..., "answers": {...}}'),
    ('{"instrument": "permenpanrb-90-2021", "answers": {}, "unit": "RSUD"}',
     "unknown key 'unit' (expected instrument, answers)"),
])
def test_bad_input_exit_2(resolver, text, message):
    code, out, err = run(text, "json", resolver)
    assert (code, out, err) == (2, "", message + "\n")
    assert err.count("\n") == 1


def test_parse_input_returns_entries(instrument, resolver):
    parsed = parse_input('[{"instrument": "permenpanrb-90-2021", "answers": {"B.I.a": 3.60}}]', resolver)
    assert parsed.is_list
    assert parsed.entries[0].instrument is instrument
    assert parsed.entries[0].answers == {"B.I.a": D("3.60")}
    with pytest.raises(LkeInputError):
        parse_input("[", resolver)


def test_unknown_format(resolver):
    assert run("{}", "xml", resolver)[0] == 2


def test_text_output_in_indonesian_format(instrument, resolver):
    answers = max_answers(instrument)
    answers.update({"P.1.ii.a": "Ya", "P.1.ii.b": "C", "P.1.ii.c": "A", "B.II.a": "3.20"})
    code, out, err = run(dumps(entry(answers)), "text", resolver)
    assert code == 0, err
    assert "Nilai total: 96,17 dari 100,00 (96,17%)" in out
    assert "Pemenuhan: 29,67 dari 30,00 (98,89%)" in out
    assert "1 Manajemen Perubahan: 7,67 (95,83%)  [P.1 3,67  R.1 4,00]" in out
    assert "Menuju WBK: terpenuhi" in out
    assert "Menuju WBBM: tidak terpenuhi" in out
    assert "Pelayanan Publik yang Prima (Indeks Persepsi Kualitas Pelayanan, IPKP): 14,00% < 15,75%" not in out
    assert "Pelayanan Publik yang Prima (Indeks Persepsi Kualitas Pelayanan, IPKP): 14,00 < 15,75 [survei]" in out
    assert "Predikat menurut ambang batas: WBK" in out
    assert "perlu indeks ≥ 3,60" in out


def test_text_output_for_a_list(instrument, resolver):
    code, out, _ = run(json.dumps([entry({}), entry({})]), "text", resolver)
    assert code == 0
    assert out.count("== Entri ") == 2 and "Nilai total: 0,00" in out


def test_dumps_writes_decimals_as_numbers():
    text = dumps({"a": D("0.6666666666666666666666666667"), "b": [D("100.000"), D("0E-28"), D("-0.0")],
                  "c": None, "d": True, "e": "Rp 1.000", "f": 3, "g": {}}, indent=None)
    assert text == ('{"a": 0.6666666666666666666666666667, "b": [100, 0, 0], "c": null, "d": true, '
                    '"e": "Rp 1.000", "f": 3, "g": {}}')
    assert json.loads(text, parse_float=D)["a"] == D("0.6666666666666666666666666667")


def test_result_to_json_keeps_decimals(instrument):
    result = score(instrument, max_answers(instrument))
    doc = result_to_json(result, {})
    assert tuple(doc) == JSON_KEYS
    assert doc["total"] is result.total
    assert isinstance(doc["areas"]["P.1"], D)


def test_bundled_instruments():
    assert (BUNDLED_DIR / f"{CODE}.yaml").is_file()
    assert bundled_instrument(CODE).code == CODE
    assert bundled_instrument(CODE) is bundled_instrument(CODE)
    assert bundled_instrument("nope") is None
    assert bundled_instrument("../instruments/permenpanrb-90-2021") is None
    assert load_instrument_file(BUNDLED_DIR / f"{CODE}.yaml").code == CODE
