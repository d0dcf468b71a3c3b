"""Assessment snapshots in the admin: the history of verdicts, read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from assessments import selectors
from assessments.models import AssessmentSnapshot
from indicators.admin.scoping import RoleAdminMixin


@admin.register(AssessmentSnapshot)
class AssessmentSnapshotAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "region",
        "edition",
        "year",
        "mode",
        "verdict",
        "binding_label",
        "reference_label",
        "as_of",
        "is_current",
        "stale",
        "change_note",
    )
    list_filter = ("verdict", "mode", "is_current", "stale", "year")
    list_select_related = ("region", "edition")
    date_hierarchy = "as_of"
    readonly_fields = [f.name for f in AssessmentSnapshot._meta.fields]
    write_roles = ()

    def scoped_queryset(self, request):
        return selectors.snapshots_for_user(request.user)

    def has_module_permission(self, request):
        return scope_of(request.user).reads_scores

    def has_view_permission(self, request, obj=None):
        return scope_of(request.user).reads_scores

    @admin.display(description=_("binding met"))
    def binding_label(self, obj):
        return f"{obj.binding_met}/{obj.binding_applicable}"

    @admin.display(description=_("reference met"))
    def reference_label(self, obj):
        ratio = "—" if obj.reference_ratio is None else f"{obj.reference_ratio * 100:.1f}%"
        return f"{obj.reference_met}/{obj.reference_applicable} ({ratio})"
