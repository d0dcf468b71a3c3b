"""Models of the indicators app: the catalogue, regions and departments, yearly values."""

from .catalogue import (
    Criterion,
    CriterionRule,
    DataElement,
    Domain,
    FrameworkEdition,
    Indicator,
    Task,
)
from .regions import Deadline, Department, Region, Responsibility
from .values import (
    AssignedTarget,
    Evidence,
    IndicatorValue,
    NotApplicableDeclaration,
    ValueComment,
    VetoEvent,
    YearLock,
)

__all__ = [
    "AssignedTarget",
    "Criterion",
    "CriterionRule",
    "DataElement",
    "Deadline",
    "Department",
    "Domain",
    "Evidence",
    "FrameworkEdition",
    "Indicator",
    "IndicatorValue",
    "NotApplicableDeclaration",
    "Region",
    "Responsibility",
    "Task",
    "ValueComment",
    "VetoEvent",
    "YearLock",
]
