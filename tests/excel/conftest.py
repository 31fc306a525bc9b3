import pytest

from assessments import services
from assessments.models import Assessment
from assessments.selectors import item_rows

from .helpers import full_answers


def save_answers(assessment, answers: dict, side: str) -> None:
    """Store answers as a system write through the service (the state must let ``side`` write)."""
    items = item_rows(assessment)
    for code, raw in answers.items():
        services.answer_save(actor=None, assessment=assessment, item=items[code], raw_answer=raw,
                             note=f"catatan {code}" if code.endswith(".a") else "", expected_version=None, side=side)


@pytest.fixture
def filled(lke, settings, tmp_path):
    """UNIT-A's 2026 assessment (Draft) with every item answered by the unit (all scale kinds) and
    TPI answers from an earlier review round."""
    settings.MEDIA_ROOT = tmp_path
    engine = lke.assessment.instrument.engine()
    Assessment.objects.filter(pk=lke.assessment.pk).update(state="in_review")
    save_answers(lke.assessment, full_answers(engine, shift=1), "tpi")
    Assessment.objects.filter(pk=lke.assessment.pk).update(state="draft")
    save_answers(lke.assessment, full_answers(engine), "unit")
    lke.assessment.refresh_from_db()
    lke.engine = engine
    return lke
