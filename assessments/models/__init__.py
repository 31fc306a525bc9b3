"""Assessments models: instrument versions (``instruments``) and the assessment work (``work``)."""

from .figures import AssessmentFigures  # noqa: F401
from .instruments import (  # noqa: F401
    AnswerScale,
    Instrument,
    InstrumentItem,
    InstrumentNode,
    PrerequisiteRule,
    PublishedInstrumentError,
    ScaleOption,
    ThresholdSet,
)
from .reports import Report  # noqa: F401
from .tpn import TpnFigures, TpnItemNote  # noqa: F401
from .work import (  # noqa: F401
    TIER_DEPTH_MAX,
    TIER_REACH,
    Answer,
    Assessment,
    AuditAction,
    AuditEvent,
    Comment,
    Notification,
    Period,
    RevisionItem,
    RevisionRequest,
)
