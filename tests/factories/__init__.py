"""factory_boy factories, one module per app (``units``, ``assessments``, ``evidence``).

Everything is re-exported here: ``from tests.factories import AssessmentFactory``."""

from .assessments import (  # noqa: F401
    AnswerFactory,
    AssessmentFactory,
    AssessmentFiguresFactory,
    AuditEventFactory,
    CommentFactory,
    NotificationFactory,
    PeriodFactory,
    ReportFactory,
    RevisionItemFactory,
    RevisionRequestFactory,
    answers_for,
    bundled_instrument,
    first_item,
    valid_answer,
)
from .evidence import (  # noqa: F401
    EvidenceAttachmentFactory,
    EvidenceDocumentFactory,
    EvidenceVersionFactory,
)
from .units import (  # noqa: F401
    PASSWORD,
    InstansiFactFactory,
    InstansiFactory,
    InstansiRoleFactory,
    MembershipFactory,
    TpiAssignmentFactory,
    UnitFactFactory,
    UserFactory,
    ValidatedFactory,
    WorkUnitFactory,
)
