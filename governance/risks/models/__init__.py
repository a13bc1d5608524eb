"""Models of the risk register and Board Assurance Framework."""

from governance.risks.models.framework import (
    AppetiteLevel,
    RiskAppetite,
    RiskCategory,
    StrategicObjective,
)
from governance.risks.models.risk import (
    FREQUENCY_MONTHS,
    LIVE_STATUSES,
    RATING_FIELDS,
    PendingChange,
    ReviewFrequency,
    Risk,
    RiskStatus,
)
from governance.risks.models.tracking import (
    Assessment,
    AssessmentKind,
    EscalatedTo,
    Escalation,
    EscalationOutcome,
    EscalationStatus,
    ReviewTask,
    ReviewTaskStatus,
)

__all__ = [
    "FREQUENCY_MONTHS",
    "LIVE_STATUSES",
    "RATING_FIELDS",
    "AppetiteLevel",
    "Assessment",
    "AssessmentKind",
    "EscalatedTo",
    "Escalation",
    "EscalationOutcome",
    "EscalationStatus",
    "PendingChange",
    "ReviewFrequency",
    "ReviewTask",
    "ReviewTaskStatus",
    "Risk",
    "RiskAppetite",
    "RiskCategory",
    "RiskStatus",
    "StrategicObjective",
]
