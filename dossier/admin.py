"""Evidence packages in the admin: read-only, scoped to who asks (the dossier page asks for
them, the Celery task builds them, the daily clean-up deletes them with their files)."""

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from dossier import selectors
from dossier.models import EvidencePackage
from indicators.admin.scoping import RoleAdminMixin


@admin.register(EvidencePackage)
class EvidencePackageAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "pk",
        "region",
        "edition",
        "year",
        "requester",
        "status",
        "size",
        "requested_at",
        "short_error",
    )
    list_filter = ("status",)
    list_select_related = ("region", "edition", "requester")
    search_fields = ("region__code", "region__name", "requester__username")
    write_roles = ()  # asked for on the dossier page, deleted by the clean-up

    def scoped_queryset(self, request):
        return selectors.packages_for_user(request.user)

    def has_module_permission(self, request):
        # Clerks cannot ask for packages: the screen would be empty for them.
        return scope_of(request.user).reads_scores

    @admin.display(description=_("error"), ordering="error")
    def short_error(self, obj):
        return Truncator(obj.error).chars(80)
