"""Corrective actions in the admin: read-only, scoped to who asks (the pages and the API write,
through actions.services), with their history."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.scope import scope_of
from actions import selectors
from actions.models import CorrectiveAction, Milestone, ProgressNote
from indicators.admin.scoping import RoleAdminMixin, ScopedHistoryMixin


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("due_date", "title", "done")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NoteInline(MilestoneInline):
    model = ProgressNote
    fields = ("created_at", "author", "text", "evidence_name")
    readonly_fields = fields


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ScopedHistoryMixin, RoleAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "pk",
        "region",
        "indicator",
        "year",
        "lead_department",
        "due_date",
        "status",
        "created_by",
    )
    list_filter = ("status", "year")
    list_select_related = ("region", "indicator", "lead_department", "created_by")
    search_fields = ("description", "indicator__code")
    readonly_fields = [f.name for f in CorrectiveAction._meta.fields if f.name != "id"] + [
        "supporting_list"
    ]
    exclude = ("supporting_departments",)
    inlines = [MilestoneInline, NoteInline]
    write_roles = ()

    def scoped_queryset(self, request):
        return selectors.actions_for_user(request.user)

    def has_module_permission(self, request):
        return scope_of(request.user).active

    @admin.display(description=_("supporting departments"))
    def supporting_list(self, obj):
        return "；".join(d.name for d in obj.supporting_departments.all()) or "—"
