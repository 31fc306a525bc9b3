"""Demo assessments for period 2026: each Kota Bogor unit in a different state of the cycle.

RSUD is final with TPI scores near WBK (then picked for TPN by ``proposals``' demo), DISDUKCAPIL is in
review with comments after two review rounds (two revision requests, answered and resubmitted),
DPMPTSP is final with half its items answered (shortlisted, not picked: the quota is one), the other
three are drafts at different progress; RSUD also has final assessments of 2024 and 2025 (its trend). The 2026
period reviews in two tiers: tpi.anggota proposes, tpi.ketua decides — on DISDUKCAPIL's worksheet the
lead has agreed with a few proposals and changed one, the rest await the lead's decision.
Everything goes through the services (so the audit trail and the notifications look like real
use). Idempotent: a unit that already has its assessment of a year is left alone. Answers are
deterministic (seeded by unit code).
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from units.models import Instansi, TpiAssignment, User, WorkUnit
from units.services import tpi_assign

from . import hooks, lke, services
from .models import Assessment, InstrumentItem
from .standing import assessment_scores

YEAR = 2026

# unit code -> (share of items answered, answer quality 0..1, final state)
PLAN = {
    "RSUD": (1.0, 0.66, "final"),
    "DISDUKCAPIL": (1.0, 0.9, "in_review"),
    "ITDA": (0.8, 0.75, "draft"),
    "DPMPTSP": (0.55, 0.8, "final"),
    "BAPENDA": (0.3, 0.7, "draft"),
    "KEC-BOGOR-BARAT": (0.1, 0.6, "draft"),
}

# Survey indices and Capaian Kinerja per unit (unit's own estimate; TPI uses the same surveys).
HASIL = {
    "RSUD": ("3.66", "3.42", "B"),
    "DISDUKCAPIL": ("3.71", "3.65", "A"),
    "ITDA": ("3.58", "3.30", "C"),
    "DPMPTSP": ("3.62", "3.51", "B"),
    "BAPENDA": ("3.40", "3.10", "C"),
    "KEC-BOGOR-BARAT": ("3.25", "3.05", "D"),
}


def generate_answers(engine, code: str, share: float, quality: float, salt: str = "unit") -> dict:
    """Plausible answers: each option item is at the top with probability ``quality``."""
    rng = random.Random(f"{code}-{salt}")
    answers: dict = {}
    for item in engine.items:
        if item.is_hasil or rng.random() > share:
            continue
        answers[item.code] = plausible_answer(item, rng, quality)
    ipak, ipkp, capaian = HASIL[code]
    if share >= 0.5:
        answers.update({"B.I.a": ipak, "B.II.a": ipkp, "B.I.b": capaian})
    return answers


def plausible_answer(item, rng: random.Random, quality: float):
    """A plausible answer of one item, as the services store it (canonical), drawn from ``rng``.

    An option is at the top of its scale with probability ``quality``, else a step or more down;
    a percentage item gets counts that reach about ``quality`` of the best; a 0-4 survey index
    (Hasil) lies between 2.5 and 4 depending on ``quality``."""
    kind = item.scale.kind
    if kind == "option":
        ladder = list(reversed(item.scale.ascending))  # best first
        roll, step = rng.random(), 0
        while step < len(ladder) - 1 and roll > quality:
            step += 1
            roll = rng.random() * (1 + step)
        return ladder[step]
    if kind == "percentage":
        return _counts(item, rng, quality)
    # an index: two decimals within the scale (canonical: a string with two decimals)
    value = 2.5 + 1.4 * quality + rng.uniform(-0.15, 0.15)
    return f"{min(max(value, float(item.scale.min)), float(item.scale.max)):.2f}"


def _counts(item, rng: random.Random, quality: float) -> dict:
    formula = item.formula
    counts = {name: 0 for name in item.inputs}
    if formula.kind == "reduction":
        before = rng.randint(4, 12)
        counts[formula.previous] = before
        counts[formula.current] = max(0, round(before * (1 - quality) * rng.uniform(0.5, 1.5)))
        for name in item.inputs:
            if name not in (formula.previous, formula.current):
                counts[name] = counts[formula.current]
        return counts
    per_part = {name: rng.randint(2, 30) for name in formula.denominator}
    counts.update(per_part)
    total = sum(per_part.values())
    done = min(total, round(total * rng.uniform(quality - 0.1, 1.0)))
    numerator = formula.numerator[0]
    counts[numerator] = done
    for name in item.inputs:
        if name not in counts or (counts[name] == 0 and name not in formula.denominator and name != numerator):
            counts[name] = max(0, total - done)
    return counts


def _tpi_view(unit_answers: dict, engine, code: str) -> dict:
    """The TPI is a little stricter than the unit: some answers one step down."""
    rng = random.Random(f"{code}-tpi")
    tpi = dict(unit_answers)
    for item in engine.items:
        value = tpi.get(item.code)
        if value is None or item.scale.kind != "option" or rng.random() > 0.18:
            continue
        ladder = list(item.scale.ascending)
        position = ladder.index(value)
        if position > 0:
            tpi[item.code] = ladder[position - 1]
    return tpi


@transaction.atomic
def seed_assessments() -> int:
    instansi = Instansi.objects.get(name="Pemerintah Kota Bogor")
    instrument = services.ensure_bundled_instrument()
    engine = instrument.engine()
    users = {u.username: u for u in User.objects.filter(username__in=[
        "admin", "tim.rsud", "pimpinan.rsud", "tim.disdukcapil", "pimpinan.disdukcapil", "tpi.ketua",
        "tpi.anggota", "tim.itda", "inspektur", "pimpinan.dpmptsp",
    ])}
    period = services.period_open(actor=None, instansi=instansi, year=YEAR)
    if not period.assessments.exists():  # the tiers are fixed once a review has begun (a re-run)
        services.period_review_tiers_set(actor=None, period=period, review_tiers=lke.tiers.TWO)
    items = {i.code: i for i in InstrumentItem.objects.filter(instrument=instrument)}
    created = 0
    for code, (share, quality, final_state) in PLAN.items():
        unit = WorkUnit.objects.get(code=code)
        if Assessment.objects.filter(unit=unit, period=period).exists():
            continue
        target = "WBBM" if code == "DISDUKCAPIL" else "WBK"
        assessment = services.assessments_create_bulk(
            actor=None, period=period, units=[unit], target=target, instrument=instrument
        )[0]
        created += 1
        author = users.get(f"tim.{code.lower()}")  # None: written as the system for units without a demo login
        unit_answers = generate_answers(engine, code, share, quality)
        notes = {"P.1.i.a": "SK Tim Pembangunan ZI Nomor 800/12/2026", "P.5.i.b": "UPG aktif, laporan triwulanan"}
        for item_code, raw in unit_answers.items():
            services.answer_save(actor=author, assessment=assessment, item=items[item_code], raw_answer=raw,
                                 note=notes.get(item_code, ""), expected_version=None, side="unit")
        if author is not None:
            for contributor in hooks.demo_evidence_contributors:
                contributor(assessment=assessment, author=author)
        if final_state == "draft":
            continue
        leader = users[f"pimpinan.{code.lower()}"]
        services.assessment_transition(actor=leader, assessment=assessment, action="submit")
        # tpi.anggota reviews RSUD and DISDUKCAPIL; the lead alone reviews the others
        reviewer = users["tpi.anggota"] if code in ("RSUD", "DISDUKCAPIL") else users["tpi.ketua"]
        services.assessment_transition(actor=reviewer, assessment=assessment, action="start_review")
        tpi_answers = _tpi_view(unit_answers, engine, code)
        if final_state == "in_review":
            tpi_answers = dict(list(tpi_answers.items())[: len(tpi_answers) * 2 // 3])
        for item_code, raw in tpi_answers.items():
            services.answer_save(actor=reviewer, assessment=assessment, item=items[item_code],
                                 raw_answer=raw, note="", expected_version=None, side="tpi")
        if final_state == "in_review":
            seed_rounds(users, assessment, items, code)
            _lead_decisions(users["tpi.ketua"], assessment, items, list(tpi_answers), engine)
            services.comment_add(actor=users["tpi.anggota"], assessment=assessment, item=items["P.2.i.c"],
                                 body="Mohon lampirkan notulen evaluasi SOP tahun 2026.")
            services.comment_add(actor=users[f"tim.{code.lower()}"], assessment=assessment, item=items["P.2.i.c"],
                                 body="Notulen rapat evaluasi SOP 14 Maret 2026 akan kami unggah.")
            services.comment_add(actor=users["tpi.ketua"], assessment=assessment, item=items["R.6.i.b"],
                                 body="Daftar layanan yang dipermudah perlu dirinci per jenis layanan.")
        if final_state == "final":
            services.assessment_transition(actor=users["tpi.ketua"], assessment=assessment, action="finalise")
    return created + seed_history(users, instrument, items)


# Two review rounds of the assessment in review (DISDUKCAPIL): per round, who asks, the returned items with
# the TPI's notes, then what the unit does — comments, and answers changed: (one option lower?, the new note).
ROUNDS = (
    ("tpi.anggota", {
        "P.1.ii.a": "Notulen rapat Tim ZI triwulan I belum dilampirkan.",
        "P.4.i.a": "Rencana kinerja belum memuat target triwulanan per bidang.",
        "P.3.i.a": "Bukti pengukuran kinerja individu (SKP) belum ada.",
    }, {"P.1.ii.a": "Notulen rapat Januari–Maret 2026 sudah kami unggah ulang."},
        {"P.4.i.a": (True, "Target triwulanan baru ada untuk dua bidang; jawaban kami sesuaikan.")}),
    ("tpi.ketua", {
        "P.3.i.a": "SKP yang dilampirkan masih tahun 2024; lampirkan SKP 2025.",
    }, {"P.3.i.a": "SKP 2025 seluruh pegawai kami lampirkan sebagai satu berkas."},
        {"P.3.i.a": (False, "SKP 2025 seluruh pegawai (satu berkas).")}),
)


def seed_rounds(users: dict, assessment: Assessment, items: dict, code: str) -> None:
    """Two revision requests answered by the unit and resubmitted (round 1 leaves P.3.i.a open,
    round 2 returns it again), then the TPI's review again: the rounds of the worksheet threads, the
    round page and the workbook's round columns. The state is In review afterwards, as before."""
    engine = assessment.instrument.engine()
    team, leader = users[f"tim.{code.lower()}"], users[f"pimpinan.{code.lower()}"]
    for requester, notes, comments, changes in ROUNDS:
        services.revision_request(actor=users[requester], assessment=assessment,
                                  items=[(items[c], note) for c, note in notes.items()],
                                  note="Mohon perbaiki butir berikut sebelum penilaian dilanjutkan.")
        for item_code, body in comments.items():
            services.comment_add(actor=team, assessment=assessment, item=items[item_code], body=body)
        for item_code, (lower, note) in changes.items():
            answer = assessment.answers.get(item=items[item_code])
            raw = answer.unit_answer
            ladder = list(engine.item_map[item_code].scale.ascending)  # worst first
            if lower and raw in ladder:
                position = ladder.index(raw)
                raw = ladder[position - 1] if position > 0 else ladder[position + 1]
            services.answer_save(actor=team, assessment=assessment, item=items[item_code], raw_answer=raw,
                                 note=note, expected_version=answer.version)
        services.assessment_transition(actor=leader, assessment=assessment, action="resubmit")
        services.assessment_transition(actor=users["tpi.anggota"], assessment=assessment, action="start_review")


def _lead_decisions(lead, assessment, items: dict, proposed: list[str], engine) -> None:
    """The TPI lead agrees with the first proposals of option items and changes one of them (a step
    down, with its reason), so the worksheet shows the member's proposal, the lead's decision and
    the final TPI answer side by side."""
    options = [code for code in proposed if engine.item_map[code].scale.kind == "option"]
    for code in options[:3]:
        services.answer_agree(actor=lead, assessment=assessment, item=items[code], expected_version=None)
    for code in options[3:]:
        ladder = list(engine.item_map[code].scale.ascending)
        answer = assessment.answers.get(item=items[code])
        position = ladder.index(answer.member_answer)
        if position > 0:
            services.answer_save(actor=lead, assessment=assessment, item=items[code], raw_answer=ladder[position - 1],
                                 note="Bukti pelaksanaan belum lengkap.", expected_version=None, side="tpi")
            return


# Earlier years, so the dashboard's trend has a history: unit code -> [(year, quality)], each
# walked through the whole cycle to Final by the same people as in 2026.
HISTORY = {"RSUD": [(2024, 0.4), (2025, 0.55)]}


def seed_history(users: dict, instrument, items: dict) -> int:
    engine = instrument.engine()
    instansi = Instansi.objects.get(name="Pemerintah Kota Bogor")
    created = 0
    for code, years in HISTORY.items():
        unit = WorkUnit.objects.get(code=code)
        for year, quality in years:
            period = services.period_open(actor=None, instansi=instansi, year=year)
            if Assessment.objects.filter(unit=unit, period=period).exists():
                continue
            for username, role in (("tpi.ketua", TpiAssignment.Role.LEAD), ("tpi.anggota", TpiAssignment.Role.MEMBER)):
                if not TpiAssignment.objects.filter(user=users[username], unit=unit, year=year).exists():
                    tpi_assign(actor=None, user=users[username], unit=unit, year=year, role=role, notify=False)
            assessment = services.assessments_create_bulk(
                actor=None, period=period, units=[unit], target="WBK", instrument=instrument
            )[0]
            created += 1
            author = users[f"tim.{code.lower()}"]
            unit_answers = generate_answers(engine, code, 1.0, quality, salt=f"unit-{year}")
            for item_code, raw in unit_answers.items():
                services.answer_save(actor=author, assessment=assessment, item=items[item_code], raw_answer=raw,
                                     note="", expected_version=None, side="unit")
            services.assessment_transition(actor=users[f"pimpinan.{code.lower()}"], assessment=assessment,
                                           action="submit")
            services.assessment_transition(actor=users["tpi.anggota"], assessment=assessment, action="start_review")
            for item_code, raw in _tpi_view(unit_answers, engine, f"{code}-{year}").items():
                services.answer_save(actor=users["tpi.anggota"], assessment=assessment, item=items[item_code],
                                     raw_answer=raw, note="", expected_version=None, side="tpi")
            services.assessment_transition(actor=users["tpi.ketua"], assessment=assessment, action="finalise")
            record_tpn_result(users["inspektur"], assessment)
    return created


# TPN's notes per item on an earlier year's result (the unit may dispute them: a sanggah)
TPN_NOTES = {
    "P.1.i.a": "SK Tim Pembangunan ZI belum memuat uraian tugas per anggota.",
    "P.2.i.a": "SOP layanan belum seluruhnya ditetapkan pimpinan unit.",
    "R.6.i.b": "Inovasi layanan belum didukung data pemanfaatan.",
}


def record_tpn_result(actor, assessment: Assessment) -> None:
    """An earlier year's assessment proposed to TPN, not passed, with TPN's figures: TPN a little
    stricter than the TPI on areas 1 to 3 (90%) and on the Hasil (1,50 points less), the rest as
    the TPI had them, so the calibration page has something to show."""
    services.assessment_transition(actor=actor, assessment=assessment, action="propose")
    services.assessment_transition(actor=actor, assessment=assessment, action="record_result",
                                   result=Assessment.Result.NOT_PASSED, route=Assessment.Route.TPN,
                                   admin_passed=True, item_notes=TPN_NOTES)
    tpi = assessment_scores(assessment)["tpi"]
    areas = {n: lke.round2(points * (Decimal("0.9") if n in ("1", "2", "3") else 1))
             for n, points in tpi.area_totals.items()}
    pengungkit = sum(areas.values(), Decimal(0))
    hasil = max(Decimal(0), lke.round2(tpi.hasil) - Decimal("1.50"))
    services.tpn_figures_record(actor=actor, assessment=assessment, total=pengungkit + hasil, pengungkit=pengungkit,
                                hasil=hasil, areas=areas, note="Hasil evaluasi TPN (ilustrasi).")


def demo_summary() -> list[tuple[str, str, Decimal, Decimal]]:
    rows = []
    for assessment in Assessment.objects.filter(period__year=YEAR).select_related("unit", "instrument", "period"):
        scores = assessment_scores(assessment)
        rows.append((assessment.unit.code, assessment.state_label, scores["unit"].total, scores["tpi"].total))
    return rows
