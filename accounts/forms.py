"""The admin's login form, with the admin's own rule of who may use it."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from accounts.scope import scope_of

NO_ADMIN_ACCESS = "no_admin_access"


def may_use_admin(user) -> bool:
    """Clerks, reviewers, leaders and administrators all work in the admin; ``is_staff``
    users without a role too (Django's own rule)."""
    return bool(user.is_active and (user.is_staff or scope_of(user).active))


class RoleAuthenticationForm(AdminAuthenticationForm):
    """Lets in whoever the admin lets in, not only ``is_staff`` users."""

    def confirm_login_allowed(self, user):
        if not may_use_admin(user):
            raise ValidationError(self.error_messages["invalid_login"], code=NO_ADMIN_ACCESS)
