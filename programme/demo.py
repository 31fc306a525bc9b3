"""Demo work plans and registers: RSUD and DISDUKCAPIL get a 2026 plan written through the real
services (checked, audited) — twelve activities over the six areas, realised through TW II, two of
them behind at the end of TW II (so they show as overdue from July on) — three change agents (the
first with two reports) and four SOPs in force. Idempotent: a unit whose plan already has
activities, or whose register of the year already has rows, is left alone. ``seed_monitoring`` adds
the TPI's monitoring visits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from evidence.models import EvidenceDocument
from units.models import TpiAssignment, UnitMembership, WorkUnit

from . import services, services_monitoring, services_registers
from .models import Activity, ChangeAgent, MonitoringVisit, Sop, WorkPlan

DEMO_YEAR = 2026
DEMO_UNITS = ("RSUD", "DISDUKCAPIL")
REALISED_ON = {1: dt.date(2026, 3, 20), 2: dt.date(2026, 6, 19)}

# area, title, output, unit of measure, LKE items, (target TW I, target TW II), behind at TW II
ACTIVITIES = [
    ("1", "Penetapan Tim Pembangunan ZI", "SK Tim Pembangunan ZI", "dokumen", ["P.1.i.a"], (1, 0), False),
    (
        "1",
        "Penyusunan rencana kerja pembangunan ZI",
        "Rencana kerja ditetapkan",
        "dokumen",
        ["P.1.ii.a"],
        (1, 0),
        False,
    ),
    (
        "1",
        "Monitoring dan evaluasi pembangunan ZI",
        "Laporan monev",
        "laporan",
        ["P.1.iii.a", "P.1.iii.b"],
        (1, 1),
        True,
    ),
    ("2", "Penyusunan dan reviu SOP layanan utama", "SOP ditetapkan", "SOP", ["P.2.i.a", "P.2.i.b"], (4, 6), False),
    ("2", "Pengembangan layanan daring", "Layanan daring aktif", "layanan", ["P.2.ii.a"], (0, 1), False),
    ("3", "Penyusunan rencana kebutuhan pegawai", "Dokumen kebutuhan pegawai", "dokumen", ["P.3.i.a"], (1, 0), False),
    ("3", "Pengembangan kompetensi pegawai", "Pelatihan terlaksana", "kegiatan", ["P.3.iii.a"], (1, 1), False),
    ("4", "Penyusunan perjanjian kinerja", "Perjanjian kinerja", "dokumen", ["P.4.i.a"], (1, 0), False),
    ("4", "Pemantauan capaian kinerja triwulanan", "Laporan capaian kinerja", "laporan", ["P.4.ii.a"], (1, 1), False),
    ("5", "Sosialisasi pengendalian gratifikasi", "Sosialisasi terlaksana", "kegiatan", ["P.5.i.b"], (1, 1), False),
    ("5", "Penanganan pengaduan masyarakat", "Rekap tindak lanjut pengaduan", "laporan", ["P.5.iii.a"], (1, 1), True),
    ("6", "Survei kepuasan masyarakat semester I", "Laporan SKM", "laporan", ["P.6.iv.a"], (0, 1), False),
]


PLAN_DRAWN_UP = dt.datetime(DEMO_YEAR, 1, 20, 9, 0, tzinfo=dt.UTC)


def seed_programme() -> int:
    """Write the demo plans; returns the number of activities written (0 on a second run)."""
    written = 0
    for code in DEMO_UNITS:
        unit = WorkUnit.objects.filter(code=code).first()
        membership = (
            UnitMembership.objects.filter(unit=unit, role=UnitMembership.Role.TEAM).select_related("user").first()
        )
        if unit is None or membership is None:
            continue
        author = membership.user
        work_plan = services.plan_get_or_create(actor=author, unit=unit, year=DEMO_YEAR)
        if Activity.objects.filter(plan=work_plan).exists():
            continue
        # The plan was drawn up in January, not on the day the demo is seeded (the stage tracker
        # dates Pembangunan by it).
        WorkPlan.objects.filter(pk=work_plan.pk).update(created_at=PLAN_DRAWN_UP)
        for area, title, output, measure, items, (tw1, tw2), behind in ACTIVITIES:
            targets = {1: Decimal(tw1), 2: Decimal(tw2)}
            activity = services.activity_create(
                actor=author,
                work_plan=work_plan,
                targets=targets,
                area=area,
                title=title,
                output=output,
                indicator=f"Jumlah {measure}",
                unit_of_measure=measure,
                lke_items=items,
                person_in_charge=author,
                responsible_official=f"Pimpinan {unit.code}",
                status=Activity.Status.PROSES if behind else Activity.Status.SELESAI,
            )
            for quarter, target in targets.items():
                value = target - 1 if behind and quarter == 2 else target
                if value > 0:
                    services.realisation_record(
                        actor=author,
                        activity=activity,
                        quarter=quarter,
                        value=value,
                        realised_on=REALISED_ON[quarter],
                        note="",
                    )
            written += 1
    return written


# Two TPI monitoring visits per demo unit in 2026, by the demo TPI member assigned to it: the first
# one's recommendation followed up by the unit and closed by the TPI, the second one's still open.
MONITORING_ASSESSOR = "tpi.anggota"
VISITS: list[dict[str, Any]] = [
    {
        "date": dt.date(2026, 4, 15),
        "method": MonitoringVisit.Method.FIELD,
        "summary": "Pemantauan lapangan pelaksanaan rencana aksi triwulan I.",
        "area": "2",
        "finding": "SOP layanan utama belum seluruhnya direviu dan belum dipublikasikan.",
        "recommendation": "Selesaikan reviu SOP layanan utama dan publikasikan di ruang layanan.",
        "deadline": dt.date(2026, 5, 31),
        "follow_up": "SOP layanan utama telah direviu dan dipasang di ruang layanan serta laman unit.",
    },
    {
        "date": dt.date(2026, 7, 20),
        "method": MonitoringVisit.Method.DESK,
        "summary": "Reviu dokumen capaian rencana aksi triwulan II.",
        "area": "5",
        "finding": "Rekap tindak lanjut pengaduan masyarakat triwulan II belum lengkap.",
        "recommendation": "Lengkapi rekap tindak lanjut pengaduan dan laporkan kepada pimpinan.",
        "deadline": dt.date(2026, 9, 30),
        "follow_up": "",
    },
]


def seed_monitoring() -> int:
    """Write the demo monitoring visits; returns the number of visits written (0 on a second run)."""
    written = 0
    for code in DEMO_UNITS:
        unit = WorkUnit.objects.filter(code=code).first()
        if unit is None or MonitoringVisit.objects.filter(unit=unit, year=DEMO_YEAR).exists():
            continue
        assignment = (
            TpiAssignment.objects.filter(unit=unit, year=DEMO_YEAR, user__username=MONITORING_ASSESSOR)
            .select_related("user")
            .first()
        )
        membership = (
            UnitMembership.objects.filter(unit=unit, role=UnitMembership.Role.TEAM).select_related("user").first()
        )
        if assignment is None or membership is None:
            continue
        tpi, team = assignment.user, membership.user
        document = EvidenceDocument.objects.filter(unit=unit).order_by("pk").first()
        for spec in VISITS:
            visit = services_monitoring.visit_record(
                actor=tpi, unit=unit, year=DEMO_YEAR, date=spec["date"], method=spec["method"], summary=spec["summary"]
            )
            finding = services_monitoring.finding_add(actor=tpi, visit=visit, area=spec["area"], text=spec["finding"])
            recommendation = services_monitoring.recommendation_create(
                actor=tpi,
                visit=visit,
                finding=finding,
                area=spec["area"],
                text=spec["recommendation"],
                deadline=spec["deadline"],
            )
            if spec["follow_up"]:
                services_monitoring.follow_up_record(
                    actor=team,
                    recommendation=recommendation,
                    text=spec["follow_up"],
                    documents=[document] if document is not None else [],
                )
                services_monitoring.recommendation_close(actor=tpi, recommendation=recommendation)
            written += 1
    return written


# name, position, role-model activities
AGENTS = [
    ("Rina Marlina", "Kepala Subbagian Umum", "Apel pagi dan budaya 5S di ruang pelayanan"),
    ("Agus Setiawan", "Analis Kebijakan", "Sosialisasi anti gratifikasi kepada rekan kerja"),
    ("Dewi Lestari", "Pengelola Layanan", "Inovasi antrean daring dan survei kepuasan"),
]
AGENT_REPORTS = [
    (dt.date(2026, 3, 31), "Triwulan I 2026", "Memimpin apel pagi dan kampanye 5S di tiga ruang pelayanan."),
    (dt.date(2026, 6, 30), "Triwulan II 2026", "Menjadi narasumber sosialisasi budaya kerja bagi pegawai baru."),
]
# number suffix, title, business process
SOPS = [
    ("01", "SOP Penerimaan Pengaduan Masyarakat", "Proses bisnis pengelolaan pengaduan"),
    ("02", "SOP Pelayanan Informasi Publik", "Proses bisnis layanan informasi"),
    ("03", "SOP Pengendalian Gratifikasi", "Proses bisnis pengendalian gratifikasi"),
    ("04", "SOP Survei Kepuasan Masyarakat", "Proses bisnis pengukuran kepuasan layanan"),
]


def seed_registers() -> int:
    """Write the demo change agents and SOPs; returns the rows written (0 on a second run)."""
    written = 0
    for code in DEMO_UNITS:
        unit = WorkUnit.objects.filter(code=code).first()
        membership = (
            UnitMembership.objects.filter(unit=unit, role=UnitMembership.Role.TEAM).select_related("user").first()
        )
        if unit is None or membership is None:
            continue
        author = membership.user
        if not ChangeAgent.objects.filter(unit=unit, year=DEMO_YEAR).exists():
            for index, (name, position, activities) in enumerate(AGENTS):
                agent = services_registers.change_agent_create(
                    actor=author,
                    unit=unit,
                    year=DEMO_YEAR,
                    name=name,
                    position=position,
                    decree_number=f"800/{index + 1:02d}/SK-AP/{DEMO_YEAR}",
                    decree_date=dt.date(DEMO_YEAR, 1, 15),
                    role_model_activities=activities,
                    active=True,
                )
                written += 1
                if index == 0:
                    for date, period, summary in AGENT_REPORTS:
                        services_registers.change_agent_report_add(
                            actor=author, agent=agent, date=date, period_label=period, summary=summary
                        )
                        written += 1
        if not Sop.objects.filter(unit=unit, year=DEMO_YEAR).exists():
            for suffix, title, process in SOPS:
                services_registers.sop_create(
                    actor=author,
                    unit=unit,
                    year=DEMO_YEAR,
                    title=title,
                    number=f"SOP/{unit.code}/{suffix}/{DEMO_YEAR}",
                    date=dt.date(DEMO_YEAR, 2, 1),
                    business_process=process,
                    status=Sop.Status.BERLAKU,
                )
                written += 1
    return written
