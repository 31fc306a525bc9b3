"""The bundled instrument files and the checks of the loader (pure)."""

import copy

import pytest

from surveys import definitions


@pytest.mark.parametrize(("code", "count"), [("spak-5", 5), ("spkp-8", 8), ("skm-9", 9), ("ipk-10", 10)])
def test_bundled_instruments_load_with_their_question_codes(code, count):
    d = definitions.instrument_from_dict(definitions.read_bundled(code))
    prefix = code.split("-")[0].upper()
    assert d.question_codes == tuple(f"{prefix}-{n}" for n in range(1, count + 1))
    assert (d.scale_min, d.scale_max) == (1, 4)
    assert all(q.text and len(q.options) == 4 for q in d.questions)
    assert d.is_ikm == (code == "skm-9")


def test_skm_has_the_nine_unsur_of_permenpanrb_14_2017():
    d = definitions.instrument_from_dict(definitions.read_bundled("skm-9"))
    assert [q.aspect for q in d.questions] == [
        "Persyaratan",
        "Sistem, mekanisme dan prosedur",
        "Waktu penyelesaian",
        "Biaya/tarif",
        "Produk spesifikasi jenis pelayanan",
        "Kompetensi pelaksana",
        "Perilaku pelaksana",
        "Penanganan pengaduan, saran dan masukan",
        "Sarana dan prasarana",
    ]
    assert d.questions[3].options[-1] == (4, "Gratis")


def _spak():
    return copy.deepcopy(definitions.read_bundled("spak-5"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(code="SPAK"), "is not like"),
        (lambda d: d["questions"].pop(), "question codes must be"),
        (lambda d: d["questions"][1].update(code="SPAK-9"), "question codes must be"),
        (lambda d: d.update(scale={"min": 4, "max": 1}), "scale must be"),
        (lambda d: d["options"].pop(4), "options must label exactly"),
        (lambda d: d["questions"][0].update(text=""), "text is required"),
        (lambda d: d.update(version=0), "version must be"),
    ],
)
def test_broken_definitions_are_refused(change, message):
    data = _spak()
    change(data)
    with pytest.raises(definitions.DefinitionError, match=message):
        definitions.instrument_from_dict(data)


def test_another_scale_needs_labels_for_each_value():
    data = _spak()
    data["scale"] = {"min": 1, "max": 5}
    with pytest.raises(definitions.DefinitionError):
        definitions.instrument_from_dict(data)
    data["options"] = {1: "a", 2: "b", 3: "c", 4: "d", 5: "e"}
    assert definitions.instrument_from_dict(data).scale_max == 5
