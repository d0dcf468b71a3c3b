from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    OFFICIAL = "official", _("official")
    PROVISIONAL = "provisional", _("provisional")


class Verdict(models.TextChoices):
    ELIGIBLE = "eligible", _("eligible")
    NOT_ELIGIBLE = "not_eligible", _("not eligible")
    INCOMPLETE = "incomplete", _("incomplete data")
