"""Regions, their departments, and who supplies which data element."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from indicators.choices import CitySize, EcoZone, RegionLevel, ResponsibilityRole, Terrain

from .catalogue import DataElement, FrameworkEdition

region_code_validator = RegexValidator(r"^\d{6}$", _("A GB/T 2260 code has six digits."))


class Region(models.Model):
    """An administrative region (GB/T 2260), with the attributes that select its criteria."""

    code = models.CharField(
        _("administrative code"), max_length=6, unique=True, validators=[region_code_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )
    terrain = models.CharField(_("terrain"), max_length=10, choices=Terrain.choices, blank=True)
    eco_zone = models.CharField(_("eco-zone"), max_length=10, choices=EcoZone.choices, blank=True)
    city_size = models.CharField(
        _("city size"), max_length=12, choices=CitySize.choices, blank=True
    )
    coastal = models.BooleanField(_("coastal"), default=False)
    edition = models.ForeignKey(
        FrameworkEdition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("edition applied for"),
        help_text=_("The framework edition the region is assessed against by default."),
    )
    synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        help_text=_("Made-up region for demonstrations and load tests."),
    )
    assessment_year = models.PositiveSmallIntegerField(
        _("assessment year"),
        null=True,
        blank=True,
        help_text=_(
            "The year pages, the API and the CLI show when none is asked for; set by the "
            "region's reviewers. Empty: the latest year with approved values."
        ),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("code"), 6),
                name="region_code_six_characters",
                violation_error_message=_("A GB/T 2260 code has six digits."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def class_attributes(self) -> dict[str, str]:
        """The attributes criteria are selected by, in the vocabulary of Criterion."""
        return {
            "level": self.level,
            "terrain": self.terrain,
            "eco_zone": self.eco_zone,
            "city_size": self.city_size,
            "coastal": "yes" if self.coastal else "no",
        }


class Department(models.Model):
    """A bureau of a region that supplies indicator data (生态环境局, 统计局…)."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="departments", verbose_name=_("region")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
        verbose_name=_("head"),
        help_text=_("Receives the reminders of values still overdue after some days."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"],
                name="department_unique_code_per_region",
                violation_error_message=_("This region already has a department with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Responsibility(models.Model):
    """Which department of a region supplies a data element (lead or supporting), and by when
    each year's value is due (a day of the year after the data year)."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="responsibilities", verbose_name=_("region")
    )
    data_element = models.ForeignKey(
        DataElement,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        verbose_name=_("data element"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        verbose_name=_("department"),
    )
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=ResponsibilityRole.choices,
        default=ResponsibilityRole.LEAD,
    )
    due_month = models.PositiveSmallIntegerField(
        _("due month"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    due_day = models.PositiveSmallIntegerField(
        _("due day"), default=31, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["region", "data_element", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "data_element", "department"],
                name="responsibility_unique_department",
                violation_error_message=_("This department is already responsible for this."),
            ),
            models.UniqueConstraint(
                fields=["region", "data_element"],
                condition=Q(role=ResponsibilityRole.LEAD),
                name="responsibility_one_lead",
                violation_error_message=_("This data element already has a lead department."),
            ),
            models.CheckConstraint(
                condition=Q(due_month__gte=1, due_month__lte=12, due_day__gte=1, due_day__lte=31),
                name="responsibility_due_date_valid",
                violation_error_message=_("The due date is not a valid month and day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} → {self.data_element.name} ({self.get_role_display()})"

    def due_date(self, data_year: int) -> datetime.date:
        """The default date the value for ``data_year`` is due: this day of the following
        year (a Deadline row overrides it: ``indicators.selectors.due_dates``)."""
        return default_due_date(data_year, self.due_month, self.due_day)


class Deadline(models.Model):
    """The date by which a region's value of a data element for one data year is due, set by
    the region's reviewers; without a row the default applies (the lead responsibility's day
    of the following year, from the reference data: 31 March, surveys 31 January)."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("region")
    )
    data_element = models.ForeignKey(
        DataElement,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name=_("data element"),
    )
    year = models.PositiveSmallIntegerField(_("data year"))
    due = models.DateField(_("due date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["region", "year", "data_element"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "data_element", "year"],
                name="deadline_one_per_element_year",
                violation_error_message=_("This value already has a deadline."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_element.name} {self.year}: {self.due:%Y-%m-%d}"


def default_due_date(data_year: int, month: int = 3, day: int = 31) -> datetime.date:
    """This day of the year after ``data_year`` (the last day of the month when it is
    shorter)."""
    year = data_year + 1
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))
