import pytest

from assessments import services
from assessments.selectors import item_rows
from tests.factories import answers_for

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
    for side, answers in (("tpi", full_answers(engine, shift=1)), ("unit", full_answers(engine))):
        answers_for(lke.assessment, answers, side=side,
                    notes={code: f"catatan {code}" for code in answers if code.endswith(".a")})
    lke.assessment.refresh_from_db()
    lke.engine = engine
    return lke
