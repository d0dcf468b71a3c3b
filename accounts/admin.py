"""Admin screens of accounts: users (with role, region, department) and API keys."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.scope import scope_of

from .models import ApiKey, User


class AdministratorsOnly:
    """Users and keys are managed by administrators; other roles do not see these screens."""

    def _is_admin(self, request) -> bool:
        return scope_of(request.user).administers

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_add_permission(self, request, *args):
        return self._is_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_admin(request)


@admin.register(User)
class ZhonglouUserAdmin(AdministratorsOnly, UserAdmin):
    list_display = ("username", "first_name", "role_label", "region", "department", "is_active")
    list_filter = ("groups", "region", "is_active")
    list_select_related = ("region", "department")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Scope"), {"fields": ("region", "department")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Scope"), {"fields": ("region", "department", "groups")}),
    )

    @admin.display(description=_("role"))
    def role_label(self, obj):
        return ", ".join(g.name for g in obj.groups.all()) or (
            "—" if not obj.is_superuser else _("superuser")
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


@admin.register(ApiKey)
class ApiKeyAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "owner",
        "can_write",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("can_write",)
    search_fields = ("name", "prefix", "owner__username")
    fields = (
        "name",
        "owner",
        "can_write",
        "regions",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    filter_horizontal = ("regions",)
    autocomplete_fields = ("owner",)
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request, obj=None):
        # A key's owner is who it acts for: giving it to someone else means a new key.
        return (*self.readonly_fields, "owner") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = services.api_key_issue(
            actor=request.user,
            owner=form.cleaned_data["owner"],
            name=form.cleaned_data["name"],
            can_write=form.cleaned_data.get("can_write", False),
            regions=form.cleaned_data.get("regions") or (),
        )
        # The admin goes on with this object (its regions, its change message, the redirect).
        for f in obj._meta.concrete_fields:
            setattr(obj, f.attname, getattr(issued.api_key, f.attname))
        obj._state.adding = False
        self.message_user(
            request,
            _(
                "The new key is %(key)s — copy it now: it is stored only as a hash and "
                "will not be shown again."
            )
            % {"key": issued.key},
            messages.WARNING,
        )

    def log_addition(self, request, obj, message):
        return None  # api_key_issue records it

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so that the record of who had access stays

    @admin.action(description=_("Revoke the selected keys"))
    def revoke_selected(self, request, queryset):
        try:
            count = services.api_key_revoke(actor=request.user, keys=queryset)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, _("%(n)d keys revoked.") % {"n": count}, messages.SUCCESS)
