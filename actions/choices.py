"""The corrective action's status (整改任务): 未开始 → 进行中 → 已完成 → 已核销."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionStatus(models.TextChoices):
    OPEN = "open", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    VERIFIED = "verified", _("verified")

    @property
    def icon(self) -> str:
        return {"open": "○", "in_progress": "◐", "done": "●", "verified": "✔"}[self.value]


# Not finished: a due date in the past makes these overdue.
UNFINISHED = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
# One action at a time follows a gap: a new one only once the last is verified.
ACTIVE = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE)
# The gap statuses an action may be created from (the engine's words), and "at risk": met or
# not, the projection says the target will be missed (assessments.scoring.projection).
GAP_STATUSES = ("not_met", "missing", "pending")
AT_RISK = "at_risk"
AT_RISK_PROGRESS = ("acceleration_needed", "limited_progress", "deterioration")
