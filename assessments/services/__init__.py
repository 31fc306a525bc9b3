"""Every write of the assessments app: instrument versions and the assessment work."""

from .instruments import (  # noqa: F401
    BUNDLED_INSTRUMENTS,
    InstrumentLoadError,
    ensure_bundled_instrument,
    instrument_load,
    instrument_publish,
    read_definition,
)
from .notifications import notifications_mark_read, notify  # noqa: F401
from .tpn import TPN_ROLES, TPN_STATES, tpn_figures_record  # noqa: F401
from .work import (  # noqa: F401
    StaleAnswerError,
    answer_agree,
    answer_from_suggestion,
    answer_save,
    assessment_carry_forward,
    assessment_transition,
    assessments_create_bulk,
    comment_add,
    period_open,
    period_review_tiers_set,
    revision_request,
    tpi_answers_copy_from_unit,
)
