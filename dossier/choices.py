from django.db import models
from django.utils.translation import gettext_lazy as _


class PackageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    BUILDING = "building", _("building")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")
