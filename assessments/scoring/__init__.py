"""The scoring engine: pure functions from an AssessmentInput to an AssessmentResult.

No ORM, no clock, no Django: callers build the input (assessments.inputs) and store the result
(assessments.services). Tests run without a database.
"""

from assessments.scoring.engine import assess, counted_vetoes, veto_period, window_years
from assessments.scoring.serialize import fingerprint, result_from_dict, result_to_dict
from assessments.scoring.types import (
    AssessmentInput,
    AssessmentResult,
    IndicatorResult,
    IndicatorSpec,
    InputSpec,
    Lacking,
    MissingItem,
    MissingPiece,
    Mode,
    Observation,
    Owner,
    PassRule,
    Progress,
    Projection,
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
    "InputSpec",
    "Lacking",
    "MissingItem",
    "MissingPiece",
    "Mode",
    "Observation",
    "Owner",
    "PassRule",
    "Progress",
    "Projection",
    "RuleSpec",
    "Status",
    "Verdict",
    "VetoEvent",
    "assess",
    "counted_vetoes",
    "fingerprint",
    "result_from_dict",
    "result_to_dict",
    "veto_period",
    "window_years",
]
