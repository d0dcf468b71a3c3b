from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: department staff, reviewers, leaders, administrators."""

    region = models.ForeignKey(
        "indicators.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("region"),
        help_text=_("The region whose data this user works on."),
    )
    department = models.ForeignKey(
        "indicators.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("department"),
        help_text=_("For department clerks: the bureau whose indicators they enter."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=True) | models.Q(region__isnull=False),
                name="user_department_needs_region",
                violation_error_message=_("A user with a department must have a region."),
            )
        ]

    @property
    def role(self):
        from .roles import role_of

        return role_of(self)
