"""Demo surveys, written through the real services (checked, audited): RSUD gets a closed 2026
campaign (SPAK-5, SPKP-8 and SKM-9; 66 responses over three service types, two not completed,
three excluded by the team) and DISDUKCAPIL an open one with 18 responses so far. The answers are
a fixed pattern (no randomness), so the figures are the same on every machine.

RSUD's IPAK and IPKP are accepted into its 2026 LKE when the assessment's state lets the unit edit
its answers; the demo's RSUD assessment is Final, so nothing is written into it and the worksheet
keeps showing the offer with its source. Idempotent: a unit that already has a 2026 campaign keeps
it untouched, and an answer already equal to the figure is not written again."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from assessments.lke import workflow
from assessments.models import Answer, Assessment
from units.models import WorkUnit

from . import importing, instrument_sync, services
from . import lke as survey_lke
from .models import Campaign, Response

DEMO_YEAR = 2026
INSTRUMENTS = ["spak-5", "spkp-8", "skm-9"]
QUESTIONS = [f"SPAK-{n}" for n in range(1, 6)] + [f"SPKP-{n}" for n in range(1, 9)] + [f"SKM-{n}" for n in range(1, 10)]
RSUD_TYPES = [("Rawat jalan", 600), ("Rawat inap", 250), ("Instalasi gawat darurat", 150)]
DISDUKCAPIL_TYPES = [("KTP-el", 500), ("Kartu keluarga", 300), ("Akta kelahiran", 200)]
EXCLUDED = (7, 23, 41)  # RSUD responses the team leaves out (same phone, same minute)
FOLLOW_UP = (
    "1. Percaloan (SPAK-4) dan waktu pelayanan (SKM-3) terendah: pemasangan papan larangan calo di loket "
    "rawat jalan dan antrean daring, April 2026, penanggung jawab Kepala Instalasi Rawat Jalan.\n"
    "2. Hasil survei diumumkan di laman RSUD dan papan informasi, Mei 2026.\n"
    "3. Survei ulang pada semester II untuk melihat perubahan."
)


def _value(question: str, i: int) -> str:
    """A fixed, plausible answer: mostly 4 and 3, now and then a 2 or no answer (TT)."""
    q = QUESTIONS.index(question)
    if (i * 5 + q * 3) % 29 == 4:
        return "TT"
    if (i + q) % 11 == 0:
        return "2"
    if question.startswith("SPAK"):
        return "4" if (i + q) % 3 else "3"
    if question.startswith("SPKP"):
        return "4" if (i + q) % 2 else "3"
    return "4" if (i + 2 * q) % 4 == 0 else "3"


def _table(count: int, types: list[tuple[str, int]], first_day: dt.date) -> importing.Table:
    lines = [",".join(["waktu", "jenis_layanan", "selesai", *QUESTIONS])]
    for i in range(count):
        when = dt.datetime.combine(first_day + dt.timedelta(days=i % 50), dt.time(8 + i % 6, (i * 7) % 60))
        done = "Tidak" if i % 31 == 30 else "Ya"
        kind = types[0][0] if i % 10 < 6 else (types[1][0] if i % 10 < 9 else types[2][0])
        lines.append(",".join([when.isoformat(timespec="minutes"), kind, done, *(_value(q, i) for q in QUESTIONS)]))
    return importing.read_table(("\n".join(lines) + "\n").encode("utf-8"), "demo.csv")


def _campaign(
    code: str, *, types, opens_on, closes_on, responses: int, population: int, name: str = ""
) -> Campaign | None:
    name = name or f"Survei Persepsi dan Kepuasan Masyarakat {DEMO_YEAR}"
    instrument_sync.sync_bundled()  # migrate loads them; a flushed test database may not have them
    unit = WorkUnit.objects.filter(code=code).first()
    if unit is None or Campaign.objects.filter(unit=unit, year=DEMO_YEAR, name=name).exists():
        return None
    campaign = services.campaign_create(
        actor=None,
        unit=unit,
        year=DEMO_YEAR,
        name=name,
        instruments=INSTRUMENTS,
        opens_on=opens_on,
        closes_on=closes_on,
        service_types=types,
        population_estimate=population,
        consent_text="Jawaban Anda anonim dan hanya dipakai untuk perbaikan layanan.",
    )
    services.responses_import(actor=None, campaign=campaign, table=_table(responses, types, opens_on))
    return campaign


def _accept_into_lke(unit_code: str) -> int:
    """Accept RSUD's offered IPAK, IPKP and SKM count when its assessment lets the unit edit."""
    assessment = (
        Assessment.objects.select_related("unit", "period", "instrument")
        .filter(unit__code=unit_code, period__year=DEMO_YEAR)
        .order_by("-pk")
        .first()
    )
    if assessment is None or not workflow.unit_may_edit(assessment.state, workflow.UNIT_ROLES):
        return 0  # the demo's RSUD is Final: the offer stays visible on the worksheet
    today = timezone.localdate()
    offered = survey_lke.suggestions_for(assessment, today=today)
    current = dict(
        Answer.objects.filter(assessment=assessment, item__code__in=list(offered)).values_list(
            "item__code", "unit_answer"
        )
    )
    written = 0
    for code, suggestion in offered.items():
        if current.get(code) != suggestion.option:
            services.survey_value_accept(
                actor=None, assessment=assessment, code=code, expected_version=None, today=today
            )
            written += 1
    return written


def seed_into_draft(*, assessment, author) -> int:
    """The demo hook for a draft assessment (``assessments.hooks.register_demo_evidence``): RSUD's
    2026 assessment, while its team can still edit it, gets the closed first campaign and its team
    member accepts the offered IPAK, IPKP and SKM count — so the Final LKE carries them with their
    source, as a real unit's would. Other assessments: nothing."""
    if assessment.unit.code != "RSUD" or assessment.period.year != DEMO_YEAR:
        return 0
    written = _rsud_first_campaign()
    today = timezone.localdate()
    for code in survey_lke.suggestions_for(assessment, today=today):
        services.survey_value_accept(actor=author, assessment=assessment, code=code, expected_version=None, today=today)
        written += 1
    return written


def _rsud_first_campaign() -> int:
    """RSUD's closed first campaign (responses written; 0 when it exists)."""
    written = 0
    rsud = _campaign(
        "RSUD",
        types=RSUD_TYPES,
        opens_on=dt.date(DEMO_YEAR, 2, 2),
        closes_on=dt.date(DEMO_YEAR, 4, 30),
        responses=66,
        population=70,
    )
    if rsud is not None:
        for i, response in enumerate(
            Response.objects.filter(campaign=rsud, completed=True).order_by("submitted_at", "pk")
        ):
            if i in EXCLUDED:
                services.response_exclude(
                    actor=None, response=response, reason="Jawaban ganda: nomor antrean dan menit yang sama"
                )
        services.campaign_update(actor=None, campaign=rsud, follow_up_plan=FOLLOW_UP)
        services.campaign_close(actor=None, campaign=rsud)
        written += Response.objects.filter(campaign=rsud).count()
    return written


def seed_surveys() -> int:
    """Rows written (responses and accepted answers); 0 when everything is there already."""
    written = _rsud_first_campaign()
    # RSUD surveys again in the second semester: this campaign is open, so a phone can answer RSUD's
    # form from its QR code while the first one's figures feed the LKE
    second = _campaign(
        "RSUD",
        name=f"Survei Semester II {DEMO_YEAR}",
        types=RSUD_TYPES,
        opens_on=dt.date(DEMO_YEAR, 7, 1),
        closes_on=dt.date(DEMO_YEAR, 12, 31),
        responses=12,
        population=70,
    )
    if second is not None:
        written += Response.objects.filter(campaign=second).count()
    disdukcapil = _campaign(
        "DISDUKCAPIL",
        types=DISDUKCAPIL_TYPES,
        opens_on=dt.date(DEMO_YEAR, 1, 5),
        closes_on=dt.date(DEMO_YEAR, 12, 31),
        responses=18,
        population=2000,
    )
    if disdukcapil is not None:
        written += Response.objects.filter(campaign=disdukcapil).count()
    return written + _accept_into_lke("RSUD")
