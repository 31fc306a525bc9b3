"""The workbook import judges entries, total size and ratio with the same checks as evidence's
Office files (``zi_portal.common.zipinspect``), and words each refusal its own way."""

import io
import random
import zipfile

import pytest

from assessments.reports.xlsx_read import Limits, XlsxRefused, check_package
from zi_portal.common.zipinspect import ZipLimits, ZipRefused, check_sizes

MIB = 1024 * 1024
NOISE = random.Random(10).randbytes(3 * MIB + 1)  # incompressible: only the total is too large
TYPES = (b'<?xml version="1.0"?><Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
         b'spreadsheetml.sheet.main+xml"/></Types>')


def package(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        for name, body in members.items():
            archive.writestr(name.replace("__", "/"), body)
    return out.getvalue()


LIMITS = Limits(max_members=6, max_uncompressed=3 * MIB, max_ratio=50)
CASES = [
    ("plain", package(xl__a=b"x" * 1000), None, None),
    ("members", package(**{f"xl__p{i}": b"x" for i in range(5)}), "too_many_members",
     "Berkas berisi terlalu banyak bagian (7); ditolak."),
    ("total", package(xl__a=NOISE[:MIB * 3 // 2], xl__b=NOISE[MIB * 3 // 2:]), "too_large",
     "Isi berkas terlalu besar setelah diekstrak (lebih dari 3 MB); ditolak."),
    ("ratio", package(xl__a=b"\0" * (2 * MIB)), "ratio",
     "Rasio kompresi berkas tidak wajar (kemungkinan zip bomb); ditolak."),
]


@pytest.mark.parametrize(("case", "data", "reason", "message"), CASES, ids=[c[0] for c in CASES])
def test_import_and_evidence_checks_agree(case, data, reason, message):
    shared = ZipLimits(max_members=LIMITS.max_members, max_uncompressed=LIMITS.max_uncompressed,
                       max_ratio=LIMITS.max_ratio)
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    if reason is None:
        check_sizes(infos, shared)
        check_package(data, LIMITS)
        return
    with pytest.raises(ZipRefused) as evidence_side:
        check_sizes(infos, shared)
    assert evidence_side.value.reason == reason
    with pytest.raises(XlsxRefused) as import_side:
        check_package(data, LIMITS)
    assert (import_side.value.reason, import_side.value.message) == ("zip_bomb", message)
