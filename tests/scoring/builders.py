"""Answer builders for the scoring tests (plain functions, no fixtures)."""

from __future__ import annotations

from typing import Any

from assessments.lke import Instrument

# Counts that give 100% for each percentage item (the regulation's example: 10 agents, 10 changes;
# complaints 1/1/1).
FULL_COUNTS: dict[str, dict[str, int]] = {
    "R.1.i.a": {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 10},
    "R.1.i.b": {"jumlah_perubahan_dibuat": 10, "jumlah_perubahan_terintegrasi": 10},
    "R.3.iii.a": {"pelanggaran_tahun_sebelumnya": 4, "pelanggaran_tahun_ini": 0, "pelanggaran_sudah_diberi_sanksi": 4},
    "R.4.i.a": {"jumlah_sasaran_kinerja": 8, "jumlah_sasaran_tercapai_100": 8},
    "R.5.ii.a": {"jumlah_harus_ditindaklanjuti": 1, "jumlah_sedang_diproses": 1, "jumlah_selesai_ditindaklanjuti": 1},
    "R.5.iii.a": {"kepala_satker": 1, "pejabat_wajib_lhkpn": 4, "lainnya": 5, "jumlah_sudah_melapor": 10},
    "R.5.iii.b": {"administrator_eselon_III": 2, "pengawas_eselon_IV": 6, "fungsional_dan_pelaksana": 40,
                  "jumlah_sudah_melapor": 48},
    "R.6.i.b": {"jumlah_layanan_terdata": 12, "jumlah_layanan_dipermudah": 12},
}

# Counts that give 0%.
ZERO_COUNTS: dict[str, dict[str, int]] = {
    "R.1.i.a": {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 0},
    "R.1.i.b": {"jumlah_perubahan_dibuat": 10, "jumlah_perubahan_terintegrasi": 0},
    "R.3.iii.a": {"pelanggaran_tahun_sebelumnya": 4, "pelanggaran_tahun_ini": 4, "pelanggaran_sudah_diberi_sanksi": 0},
    "R.4.i.a": {"jumlah_sasaran_kinerja": 8, "jumlah_sasaran_tercapai_100": 0},
    "R.5.ii.a": {"jumlah_harus_ditindaklanjuti": 3, "jumlah_sedang_diproses": 3, "jumlah_selesai_ditindaklanjuti": 0},
    "R.5.iii.a": {"kepala_satker": 1, "pejabat_wajib_lhkpn": 4, "lainnya": 5, "jumlah_sudah_melapor": 0},
    "R.5.iii.b": {"administrator_eselon_III": 2, "pengawas_eselon_IV": 6, "fungsional_dan_pelaksana": 40,
                  "jumlah_sudah_melapor": 0},
    "R.6.i.b": {"jumlah_layanan_terdata": 12, "jumlah_layanan_dipermudah": 0},
}


def top(item) -> str:
    return item.scale.ascending[-1]


def bottom(item) -> str:
    return item.scale.ascending[0]


def max_answers(instrument: Instrument, ipak: str = "4.00", ipkp: str = "4.00", capaian: str = "A") -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in instrument.items:
        kind = item.scale.kind
        if kind == "option":
            answers[item.code] = top(item)
        elif kind == "percentage":
            answers[item.code] = dict(FULL_COUNTS[item.code])
    answers["B.I.a"] = ipak
    answers["B.II.a"] = ipkp
    answers["B.I.b"] = capaian
    return answers


def min_answers(instrument: Instrument) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in instrument.items:
        kind = item.scale.kind
        if kind == "option":
            answers[item.code] = bottom(item)
        elif kind == "percentage":
            answers[item.code] = dict(ZERO_COUNTS[item.code])
        else:
            answers[item.code] = "0.00"
    return answers


def lower_indicator(instrument: Instrument, answers: dict[str, Any], *codes: str) -> dict[str, Any]:
    """Every item of the given indicators at its minimum (0)."""
    for ind in instrument.indicators:
        if ind.code in codes:
            for item in ind.items:
                answers[item.code] = dict(ZERO_COUNTS[item.code]) if item.scale.kind == "percentage" else bottom(item)
    return answers
