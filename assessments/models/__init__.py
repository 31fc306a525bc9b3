"""Assessments models: instrument versions (``instruments``) and the assessment work (``work``)."""

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
from .work import (  # noqa: F401
    Answer,
    Assessment,
    AuditEvent,
    Comment,
    Notification,
    Period,
    RevisionItem,
    RevisionRequest,
)
