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
        from .scope import scope_of

        return scope_of(self).role


class ApiKey(models.Model):
    """A key with which a system calls the API on behalf of its owner: it sees what the owner
    sees, limited to the key's regions when any are set, and writes only when granted."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses it, e.g. 常州市平台."))
    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("owner")
    )
    prefix = models.CharField(_("prefix"), max_length=8, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    can_write = models.BooleanField(_("may write"), default=False)
    regions = models.ManyToManyField(
        "indicators.Region",
        blank=True,
        related_name="+",
        verbose_name=_("regions"),
        help_text=_("Leave empty for every region the owner may see."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (zl_{self.prefix}_…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
