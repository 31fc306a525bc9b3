"""Demo data for Pemerintah Kota Bogor: the six units designated in 2021, facts and personas.

Idempotent: every row is looked up by its natural key and only written when something differs,
so running the seed twice changes nothing (not even history rows or password hashes).
Yearly facts and predicate history are illustrative demo values, not official records.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from . import services
from .models import (
    Instansi,
    InstansiFact,
    InstansiRole,
    PredicateAward,
    TpiAssignment,
    UnitFact,
    UnitMembership,
    User,
    WorkUnit,
)

DEMO_YEAR = 2026
DECREE = "700/Kep.876-Itda/2021"
DECREE_DATE = dt.date(2021, 11, 9)

UNITS = [
    # code, name, core service
    ("ITDA", "Inspektorat Daerah", False),
    ("RSUD", "Rumah Sakit Umum Daerah (RSUD) Kota Bogor", True),
    ("BAPENDA", "Badan Pendapatan Daerah (Bapenda)", True),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil (Disdukcapil)", True),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu (DPMPTSP)", True),
    ("KEC-BOGOR-BARAT", "Kecamatan Bogor Barat", True),
]

# username, full name, NIP, jabatan, e-mail
PEOPLE = [
    ("admin", "Administrator ZI Portal", None, "Pranata Komputer Ahli Muda, Diskominfo", "admin@kotabogor.example"),
    ("inspektur", "Dr. Hendra Wijaya, S.H., M.Si.", "197103121996031002", "Inspektur Daerah Kota Bogor", "inspektur@kotabogor.example"),
    ("tpi.ketua", "Ratna Sari Dewi, S.E., M.Ak.", "197805222003122004", "Auditor Ahli Madya, Inspektorat Daerah", "tpi.ketua@kotabogor.example"),
    ("tpi.anggota", "Agus Setiawan, S.Kom.", "198709142011011003", "Auditor Ahli Pertama, Inspektorat Daerah", "tpi.anggota@kotabogor.example"),
    ("tim.rsud", "dr. Maya Lestari", "198503172010012015", "Kepala Seksi Mutu Pelayanan, RSUD", "tim.rsud@kotabogor.example"),
    ("pimpinan.rsud", "dr. Bambang Prasetyo, Sp.PD., MARS", "196909251999031004", "Direktur RSUD Kota Bogor", "pimpinan.rsud@kotabogor.example"),
    ("tim.disdukcapil", "Siti Nurhaliza, S.AP.", "199002102015032006", "Analis Kebijakan, Disdukcapil", "tim.disdukcapil@kotabogor.example"),
    ("pimpinan.disdukcapil", "Drs. Asep Saepudin, M.Si.", "197004081992031007", "Kepala Dinas Kependudukan dan Pencatatan Sipil", "pimpinan.disdukcapil@kotabogor.example"),
    ("pimpinan.dpmptsp", "Ir. Yudi Hartono, M.T.", "197206151998031005", "Kepala Dinas Penanaman Modal dan PTSP", "pimpinan.dpmptsp@kotabogor.example"),
    ("tim.itda", "Dewi Anggraini, S.H.", "198811232014022008", "Auditor Ahli Muda, Inspektorat Daerah", "tim.itda@kotabogor.example"),
]

INSTANSI_FACTS = {
    2024: {"leadership_corruption_case": False, "bpk_opinion": "WTP", "sakip_grade": "B", "indeks_rb_grade": "B", "spip_level": 3},
    2025: {"leadership_corruption_case": False, "bpk_opinion": "WTP", "sakip_grade": "BB", "indeks_rb_grade": "B", "spip_level": 3},
    2026: {"leadership_corruption_case": False, "bpk_opinion": "WTP", "sakip_grade": "BB", "indeks_rb_grade": "BB", "spip_level": 3},
}

# findings follow-up %, LHKPN %, LHKASN %, internal SAKIP grade; per unit, per year
UNIT_FACTS = {
    "ITDA": {2025: ("100", "100", "98.50", "BB"), 2026: ("100", "100", "100", "BB")},
    "RSUD": {2025: ("96.40", "100", "97.20", "B"), 2026: ("100", "100", "100", "BB")},
    "BAPENDA": {2025: ("88.00", "100", "95.10", "B"), 2026: ("92.30", "100", "99.00", "B")},
    "DISDUKCAPIL": {2025: ("100", "100", "100", "BB"), 2026: ("100", "100", "100", "A")},
    "DPMPTSP": {2025: ("100", "100", "99.40", "BB"), 2026: ("100", "100", "100", "BB")},
    "KEC-BOGOR-BARAT": {2025: ("75.00", "100", "90.00", "CC"), 2026: ("85.70", "100", "96.20", "B")},
}

PREDICATES = [
    # unit, year, predicate, decree number, decree date
    ("DISDUKCAPIL", 2024, "WBK", "B/412/RB.06/2024", dt.date(2024, 12, 10)),
]

MEMBERSHIPS = [
    ("tim.rsud", "RSUD", UnitMembership.Role.TEAM),
    ("pimpinan.rsud", "RSUD", UnitMembership.Role.LEADER),
    ("tim.disdukcapil", "DISDUKCAPIL", UnitMembership.Role.TEAM),
    ("pimpinan.disdukcapil", "DISDUKCAPIL", UnitMembership.Role.LEADER),
    ("pimpinan.dpmptsp", "DPMPTSP", UnitMembership.Role.LEADER),
    ("tim.itda", "ITDA", UnitMembership.Role.TEAM),
]


def _upsert(model, lookup: dict[str, Any], values: dict[str, Any], exclude: tuple[str, ...] = ()):
    """Create the row, or update only the fields that differ; returns (obj, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(exclude=list(exclude))
        obj.save()
        return obj, True
    changed = [f for f, v in values.items() if getattr(obj, f) != v]
    for field in changed:
        setattr(obj, field, values[field])
    if changed:
        obj.full_clean(exclude=list(exclude))
        obj.save(update_fields=changed)
    return obj, bool(changed)


@transaction.atomic
def seed_units(password: str) -> dict[str, int]:
    """Create or complete the Kota Bogor demo; returns how many rows were written per kind."""
    written = {"users": 0, "units": 0, "facts": 0, "roles": 0}

    instansi, changed = _upsert(
        Instansi,
        {"name": "Pemerintah Kota Bogor"},
        {"kind": Instansi.Kind.PEMDA, "address": "Jl. Ir. H. Juanda No. 10, Kota Bogor, Jawa Barat 16121"},
    )
    written["units"] += changed
    for year, values in INSTANSI_FACTS.items():
        written["facts"] += _upsert(InstansiFact, {"instansi": instansi, "year": year}, values)[1]

    units: dict[str, WorkUnit] = {}
    for code, name, core in UNITS:
        unit, changed = _upsert(
            WorkUnit,
            {"code": code},
            {
                "instansi": instansi,
                "name": name,
                "core_service": core,
                "public_impact": True,
                "designation_decree_number": DECREE,
                "designation_decree_date": DECREE_DATE,
                "pencanangan_date": dt.date(2021, 11, 23),
                "is_active": True,
            },
        )
        units[code] = unit
        written["units"] += changed
        for year, (followup, lhkpn, lhkasn, sakip) in UNIT_FACTS[code].items():
            written["facts"] += _upsert(
                UnitFact,
                {"unit": unit, "year": year},
                {
                    "findings_followup_pct": Decimal(followup),
                    "lhkpn_pct": Decimal(lhkpn),
                    "lhkasn_pct": Decimal(lhkasn),
                    "internal_sakip_grade": sakip,
                },
            )[1]
    for code, year, predicate, number, date in PREDICATES:
        written["facts"] += _upsert(
            PredicateAward,
            {"unit": units[code], "year": year, "predicate": predicate},
            {"decree_number": number, "decree_date": date, "revoked": False},
        )[1]

    users: dict[str, User] = {}
    for username, full_name, nip, jabatan, email in PEOPLE:
        is_admin = username == "admin"
        user, changed = _upsert(
            User,
            {"username": username},
            {
                "full_name": full_name,
                "nip": nip,
                "jabatan": jabatan,
                "email": email,
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
            exclude=("password",),
        )
        users[username] = user
        written["users"] += changed

    # One hash shared by every demo login: hashing is deliberately slow (~0.25 s each), and the
    # demo is re-run on every `make run`. A hash is only replaced when the password changed.
    first = users["admin"]
    shared_hash = first.password if first.check_password(password) else make_password(password)
    for user in users.values():
        if user.password != shared_hash:
            user.password = shared_hash
            user.save(update_fields=["password"])
            written["users"] += 1

    for username, instansi_role in (("admin", InstansiRole.Role.ADMIN), ("inspektur", InstansiRole.Role.LEADERSHIP)):
        written["roles"] += _upsert(
            InstansiRole, {"user": users[username], "instansi": instansi, "role": instansi_role}, {}
        )[1]

    for username, code, role in MEMBERSHIPS:
        existing = UnitMembership.objects.filter(user=users[username], unit=units[code]).first()
        if existing is None:
            services.membership_add(actor=None, user=users[username], unit=units[code], role=role)
            written["roles"] += 1
        elif existing.role != role:
            existing.role = role
            existing.save(update_fields=["role"])
            written["roles"] += 1

    assignments = [("tpi.ketua", code, TpiAssignment.Role.LEAD) for code, _, _ in UNITS if code != "ITDA"]
    assignments += [("tpi.anggota", code, TpiAssignment.Role.MEMBER) for code in ("RSUD", "DISDUKCAPIL")]
    for username, code, tpi_role in assignments:
        if not TpiAssignment.objects.filter(user=users[username], unit=units[code], year=DEMO_YEAR).exists():
            services.tpi_assign(
                actor=None, user=users[username], unit=units[code], year=DEMO_YEAR, role=tpi_role, notify=False
            )
            written["roles"] += 1
    return written


DEMO_LOGINS = [
    ("admin", "Administrator (semua unit, Django admin)"),
    ("inspektur", "Pimpinan / Inspektur (seluruh instansi)"),
    ("tpi.ketua", "Ketua TPI (semua unit kecuali ITDA)"),
    ("tpi.anggota", "Anggota TPI (RSUD, DISDUKCAPIL)"),
    ("tim.rsud", "Tim pembangunan ZI RSUD"),
    ("pimpinan.rsud", "Pimpinan RSUD"),
    ("tim.disdukcapil", "Tim pembangunan ZI Disdukcapil"),
    ("pimpinan.disdukcapil", "Pimpinan Disdukcapil"),
    ("pimpinan.dpmptsp", "Pimpinan DPMPTSP"),
    ("tim.itda", "Tim pembangunan ZI Inspektorat (bukan TPI ITDA)"),
]
