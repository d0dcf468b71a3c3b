"""What every admin screen of the product shares: reads go through the role's scope, an
object outside it is a 404, and who may change what is decided by role, not by Django's
per-model permissions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import Http404

from accounts.scope import Role, scope_of
from indicators.services import BulkError


class RoleAdminMixin:
    """Read for every role; write only for the roles in ``write_roles``."""

    write_roles: tuple[Role, ...] = (Role.ADMIN,)

    def scoped_queryset(self, request):
        """Override to apply the role's scope (a selector)."""
        return super().get_queryset(request)

    def get_queryset(self, request):
        return self.scoped_queryset(request)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Outside the user's scope an object does not exist, rather than "was deleted".
            raise Http404
        return obj

    def has_module_permission(self, request):
        return scope_of(request.user).active

    def has_view_permission(self, request, obj=None):
        return scope_of(request.user).active

    def _may_write(self, request) -> bool:
        return scope_of(request.user).role in self.write_roles

    def has_add_permission(self, request, *args):
        return self._may_write(request)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request)


class ScopedHistoryMixin:
    """History pages of simple-history, limited to objects in the user's scope (its own view
    falls back to historical rows of objects the queryset does not hold)."""

    def _require_in_scope(self, request, object_id) -> None:
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedRelatedFilter(admin.SimpleListFilter):
    """A list filter whose choices come from the user's scope, so that filters never list
    objects the user may not see."""

    field_path: str = ""

    def choices_for(self, request):  # pragma: no cover - abstract
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return self.choices_for(request)

    def queryset(self, request, queryset):
        value = self.value()
        if value in (None, ""):
            return queryset
        allowed = {str(key) for key, _label in self.choices_for(request)}
        if value not in allowed:
            return queryset.none()
        return queryset.filter(**{self.field_path: value})


def run_bulk(modeladmin, request, run, done_message: str, refused_message: str) -> None:
    """Run an all-or-nothing bulk service (``run()`` returns how many objects took the action,
    or raises ``BulkError``) and tell the user: the count done, or that nothing changed and
    why each refused object was refused (the first twenty)."""
    try:
        done = run()
    except BulkError as exc:
        modeladmin.message_user(request, refused_message % {"n": len(exc.failures)}, messages.ERROR)
        for obj, message in exc.failures[:20]:
            modeladmin.message_user(request, f"{obj}: {message}", messages.ERROR)
    else:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)
