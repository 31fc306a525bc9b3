"""Letters as plain text: the placeholders a template may use, their substitution and the default
template of each kind. Pure: no Django import, no database.

User text is never run: :func:`fill` replaces ``{name}`` for the names it knows and leaves any other
brace as written (no attribute access, no format specs, no conversion), and the PDF template
escapes the result like any other text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDERS: dict[str, str] = {
    "instansi": "nama instansi",
    "unit": "nama unit (untuk pengajuan: semua unit, dipisah koma)",
    "unit_code": "kode unit (untuk pengajuan: semua kode, dipisah koma)",
    "units": "daftar bernomor unit yang diusulkan, satu per baris",
    "period": "tahun periode penilaian",
    "date": "tanggal surat (25 November 2026)",
    "place": "tempat surat",
    "number": "nomor surat (hanya di isi surat)",
    "serial": "nomor urut surat jenis ini di instansi (hanya di pola nomor)",
    "month_roman": "bulan surat dalam angka Romawi (hanya di pola nomor)",
    "signatory": "nama penanda tangan",
    "nip": "NIP penanda tangan",
    "position": "jabatan penanda tangan",
    "items": "surat sanggah: butir yang disanggah, dengan alasan dan tautan eviden, satu per butir",
}

_PLACEHOLDER = re.compile(r"\{([a-z_]{1,30})\}")
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with every ``{name}`` of ``values`` replaced by its value; other braces unchanged."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return _PLACEHOLDER.sub(replace, text)


def unknown_placeholders(text: str, known: set[str] | None = None) -> list[str]:
    """The ``{name}`` of ``text`` that are not placeholders (to warn the editor of a typo)."""
    known = set(PLACEHOLDERS) if known is None else known
    return sorted({m.group(1) for m in _PLACEHOLDER.finditer(text)} - known)


DEFAULTS: dict[str, dict[str, str]] = {
    "pengajuan": {
        "subject": "Pengajuan Evaluasi Zona Integritas menuju WBK/WBBM Tahun {period}",
        "number_pattern": "800/{serial}/ZI/{month_roman}/{period}",
        "body": (
            "Yth. Kepala Badan/Deputi Bidang Reformasi Birokrasi, Akuntabilitas Aparatur dan Pengawasan\n"
            "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi\n\n"
            "Berdasarkan hasil penilaian mandiri oleh Tim Penilai Internal (TPI) {instansi} tahun {period}, "
            "dengan ini kami mengusulkan unit kerja berikut untuk dievaluasi oleh Tim Penilai Nasional "
            "menuju predikat Wilayah Bebas dari Korupsi (WBK)/Wilayah Birokrasi Bersih dan Melayani (WBBM):\n\n"
            "{units}\n\n"
            "Lembar Kerja Evaluasi yang telah direviu TPI beserta eviden pendukung kami sampaikan melalui "
            "aplikasi PMPZI. Demikian surat ini kami sampaikan; atas perhatiannya kami ucapkan terima kasih."
        ),
    },
    "sptjm": {
        "subject": "Surat Pernyataan Tanggung Jawab Mutlak",
        "number_pattern": "800/{serial}/SPTJM/{month_roman}/{period}",
        "body": (
            "Yang bertanda tangan di bawah ini:\n"
            "Nama: {signatory}\nNIP: {nip}\nJabatan: {position}\n\n"
            "menyatakan dengan sesungguhnya bahwa data dan eviden pembangunan Zona Integritas unit {unit} "
            "yang disampaikan dalam Lembar Kerja Evaluasi tahun {period} adalah benar dan dapat "
            "dipertanggungjawabkan. Apabila di kemudian hari ditemukan ketidaksesuaian, kami bersedia "
            "bertanggung jawab sesuai ketentuan peraturan perundang-undangan.\n\n"
            "Demikian pernyataan ini dibuat dengan sebenarnya."
        ),
    },
    "sanggah": {
        "subject": "Sanggahan Hasil Seleksi Administrasi Zona Integritas Tahun {period}",
        "number_pattern": "800/{serial}/SANGGAH/{month_roman}/{period}",
        "body": (
            "Yth. Tim Penilai Nasional Zona Integritas\n"
            "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi\n\n"
            "Sehubungan dengan hasil seleksi administrasi evaluasi Zona Integritas tahun {period}, "
            "{instansi} menyampaikan sanggahan atas hasil unit {unit} dengan alasan dan eviden "
            "berikut:\n\n{items}\n\nLembar Kerja Evaluasi yang telah direviu TPI turut kami lampirkan.\n\n"
            "Demikian sanggahan ini kami sampaikan; atas perhatiannya kami ucapkan terima kasih."
        ),
    },
}
