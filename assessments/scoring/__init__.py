"""The scoring engine: pure functions from an AssessmentInput to an AssessmentResult.

No ORM, no clock, no Django: callers build the input (assessments.inputs) and store the result
(assessments.services). Tests run without a database.
"""

from assessments.scoring.engine import assess, window_years
from assessments.scoring.serialize import fingerprint, result_from_dict, result_to_dict
from assessments.scoring.types import (
    AssessmentInput,
    AssessmentResult,
    IndicatorResult,
    IndicatorSpec,
    Lacking,
    MissingItem,
    MissingPiece,
    Mode,
    Observation,
    Owner,
    PassRule,
    RuleSpec,
    Status,
    Verdict,
    VetoEvent,
)

__all__ = [
    "AssessmentInput",
    "AssessmentResult",
    "IndicatorResult",
    "IndicatorSpec",
    "Lacking",
    "MissingItem",
    "MissingPiece",
    "Mode",
    "Observation",
    "Owner",
    "PassRule",
    "RuleSpec",
    "Status",
    "Verdict",
    "VetoEvent",
    "assess",
    "fingerprint",
    "result_from_dict",
    "result_to_dict",
    "window_years",
]
