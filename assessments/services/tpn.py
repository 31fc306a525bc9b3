"""Recording TPN's figures of a proposed assessment (for the calibration of the TPI)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zi_portal.common.text import clean_text

from .. import lke
from ..access import assessment_roles
from ..audit import AuditAction, audit_record
from ..models import Assessment, TpnFigures
from ..standing import assessment_scores

# the states in which TPN's figures are known or arriving: proposed, and the result recorded
TPN_STATES = frozenset({lke.workflow.PROPOSED, lke.workflow.RESULT_RECORDED})
# who records them: whoever may record TPN's result (the workflow table's roles of that step)
TPN_ROLES = lke.workflow.BY_ACTION["record_result"].roles
TOLERANCE = Decimal("0.01")  # TPN publishes two decimals: the components may differ from the total by rounding


def _text(value: Decimal) -> str:
    return lke.format_id(value)


def _check_points(errors: dict, field: str, label: str, value: Decimal | None, maximum: Decimal) -> None:
    if value is not None and not (Decimal(0) <= value <= maximum):
        errors[field] = _("%(label)s harus antara 0 dan %(max)s.") % {"label": label, "max": _text(maximum)}


@transaction.atomic
def tpn_figures_record(*, actor, assessment: Assessment, total: Decimal, pengungkit: Decimal | None = None,
                       hasil: Decimal | None = None, areas: Mapping[str, Decimal] | None = None,
                       note: str = "") -> TpnFigures:
    """Record (or correct) TPN's total and, when known, its Pengungkit, Hasil and area figures, with
    the TPI's final figures beside them. Leadership and administrators, once the assessment has been
    proposed to TPN. Bounds come from the instrument's weights; Pengungkit + Hasil must make the
    total (to a rounding cent). One audit row with the figures before and after."""
    assessment = (Assessment.objects.select_for_update(of=("self",)).select_related("unit", "period", "instrument")
                  .get(pk=assessment.pk))
    if not (assessment_roles(actor, assessment) & TPN_ROLES):
        raise PermissionDenied(_("Nilai TPN hanya dapat dicatat oleh pimpinan instansi atau administrator."))
    if assessment.state not in TPN_STATES:
        raise PermissionDenied(_("Nilai TPN dicatat setelah penilaian diusulkan ke TPN (status sekarang: "
                                 "%(state)s).") % {"state": assessment.state_label})
    engine = assessment.instrument.engine()
    weights = engine.weights
    areas = {str(n): v for n, v in (areas or {}).items() if v is not None}
    errors: dict[str, str] = {}
    _check_points(errors, "total", _("Nilai total TPN"), total, weights["total"])
    _check_points(errors, "pengungkit", _("Komponen pengungkit"), pengungkit, weights["pengungkit"])
    _check_points(errors, "hasil", _("Komponen hasil"), hasil, weights["hasil"])
    for number, value in areas.items():
        if number not in engine.area_numbers:
            errors[f"area_{number}"] = _("Area %(n)s tidak ada pada instrumen ini.") % {"n": number}
        else:
            _check_points(errors, f"area_{number}", _("Area %(n)s") % {"n": number}, value,
                          weights[f"area_{number}"])
    if not errors and pengungkit is not None and hasil is not None and abs(pengungkit + hasil - total) > TOLERANCE:
        errors["total"] = _("Pengungkit %(p)s + hasil %(h)s = %(sum)s, tidak sama dengan nilai total %(t)s.") % {
            "p": _text(pengungkit), "h": _text(hasil), "sum": _text(pengungkit + hasil), "t": _text(total)}
    if errors:
        raise ValidationError(errors)
    note = clean_text(note, field="note")
    tpi = assessment_scores(assessment)["tpi"]
    row = TpnFigures.objects.filter(assessment=assessment).first()
    before = _facts(row) if row else None
    row = row or TpnFigures(assessment=assessment)
    row.total, row.pengungkit, row.hasil = total, pengungkit, hasil
    row.areas = {n: str(lke.round2(areas[n])) for n in engine.area_numbers if n in areas}
    row.tpi_total = lke.round2(tpi.total)
    row.tpi_pengungkit = lke.round2(tpi.pengungkit)
    row.tpi_hasil = lke.round2(tpi.hasil)
    row.tpi_areas = {n: str(lke.round2(tpi.area_totals[n])) for n in engine.area_numbers}
    row.note = note
    row.recorded_by = actor
    row.full_clean(exclude=["assessment", "recorded_by"])
    row.save()
    audit_record(actor=actor, assessment=assessment, action=AuditAction.TPN_FIGURES_RECORD, field="tpn_figures",
                 before=before, after=_facts(row))
    return row


def _facts(row: TpnFigures) -> dict:
    def text(v):
        return None if v is None else str(lke.round2(Decimal(v)))
    return {"total": text(row.total), "pengungkit": text(row.pengungkit), "hasil": text(row.hasil),
            "areas": dict(row.areas), "tpi_total": text(row.tpi_total), "note": row.note}


__all__ = ["TPN_ROLES", "TPN_STATES", "tpn_figures_record"]
