"""Admin screens of notifications: the webhook endpoints (consumers' and department robots')
and every delivery with its status, each limited to what the user may see; reviewers register
their departments' robots. Notifications themselves are read in the inbox."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from indicators import selectors as indicator_selectors
from notifications import selectors, services
from notifications.models import Delivery, WebhookEndpoint


class ScopedAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return scope_of(request.user).active

    def has_view_permission(self, request, obj=None):
        return scope_of(request.user).active


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ScopedAdmin):
    list_display = ("name", "kind", "region", "department", "url", "active", "owner")
    list_filter = ("kind", "active")
    fields = ("name", "kind", "region", "department", "url", "events", "secret")

    def get_queryset(self, request):
        return selectors.endpoints_for_user(request.user)

    def has_add_permission(self, request):
        return scope_of(request.user).reviews

    def has_change_permission(self, request, obj=None):
        return False  # an endpoint is removed and registered again

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return scope_of(request.user).reads_scores
        return services.may_manage_endpoint(request.user, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = indicator_selectors.regions_for_user(request.user)
        if db_field.name == "department":
            kwargs["queryset"] = indicator_selectors.departments_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # The service refused the endpoint; nothing was written.
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        saved = services.webhook_endpoint_create(
            actor=request.user,
            region=obj.region,
            name=obj.name,
            url=obj.url,
            kind=obj.kind,
            events=obj.events or (),
            department=obj.department,
            secret=obj.secret,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.webhook_endpoint_delete(actor=request.user, endpoint=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.webhook_endpoint_delete(actor=request.user, endpoint=obj)


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdmin):
    list_display = (
        "pk",
        "channel",
        "kind",
        "event",
        "endpoint",
        "recipient",
        "status",
        "attempts",
        "next_try_at",
        "last_error",
        "created_at",
    )
    list_filter = ("status", "channel")
    list_select_related = ("endpoint", "recipient")
    actions = ["retry_now"]

    def get_queryset(self, request):
        return selectors.deliveries_for_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return super().get_actions(request) if scope_of(request.user).administers else {}

    @admin.action(description=_("Try the selected deliveries again now"))
    def retry_now(self, request, queryset):
        count = services.deliveries_retry(actor=request.user, deliveries=queryset)
        self.message_user(request, gettext("%(n)d deliveries queued.") % {"n": count})
