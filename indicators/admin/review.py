"""Admin screens of the creation office: assigned targets, not-applicable declarations, veto
events and year locks. Reviewers write, everyone in the region reads; writes go through
services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.scope import Role, scope_of
from indicators import selectors, services
from indicators.models import AssignedTarget, NotApplicableDeclaration, VetoEvent, YearLock

from .forms import ReasonForm, VetoEventForm
from .scoping import RoleAdminMixin, ScopedHistoryMixin, run_bulk


class ReviewAdmin(ScopedHistoryMixin, RoleAdminMixin, SimpleHistoryAdmin):
    write_roles = (Role.REVIEWER, Role.ADMIN)
    selector = None  # a function user -> queryset

    def scoped_queryset(self, request):
        return type(self).selector(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = selectors.regions_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # The service refused the write (a locked year…); its transaction rolled back.
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def response_action(self, request, queryset):
        # Actions are all or nothing: a refusal of one object (a locked year…) undoes the
        # others and is reported, not raised.
        try:
            with transaction.atomic():
                return super().response_action(request, queryset)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _bulk(self, request, queryset, service, arguments, done_message: str, **kwargs) -> None:
        """A service applied to every selected object, all or nothing (as the values' bulk
        actions): one refusal changes nothing and every refusal is listed."""
        run_bulk(
            self,
            request,
            lambda: services.objects_bulk(
                service, queryset, arguments, actor=request.user, **kwargs
            ),
            done_message,
            gettext("Nothing was changed: %(n)d of the selected objects cannot take this action."),
        )


TARGET_UNIT_HELP = _(
    "In the unit of the indicator it is compared with: for a computed indicator (7.2, the "
    "decline of PM2.5 in %) the indicator's unit, not that of the entered element."
)


@admin.register(AssignedTarget)
class AssignedTargetAdmin(ReviewAdmin):
    selector = selectors.assigned_targets_for_user
    list_display = ("data_element", "year", "target", "region", "document", "entered_by")
    list_filter = ("year",)
    search_fields = ("data_element__name", "data_element__key", "document")
    fields = ("region", "data_element", "year", "target", "document")
    autocomplete_fields = ("data_element",)

    def get_readonly_fields(self, request, obj=None):
        # A target is its region, element and year: another of them is another target.
        return ("region", "data_element", "year") if obj else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "target" in form.base_fields:
            form.base_fields["target"].help_text = TARGET_UNIT_HELP
        return form

    def save_model(self, request, obj, form, change):
        saved = services.assigned_target_set(
            actor=request.user,
            region=obj.region,
            data_element=obj.data_element,
            year=obj.year,
            target=obj.target,
            document=obj.document,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.assigned_target_delete(actor=request.user, target=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.assigned_target_delete(actor=request.user, target=obj)


@admin.register(NotApplicableDeclaration)
class NotApplicableDeclarationAdmin(ReviewAdmin):
    selector = selectors.declarations_for_user
    list_display = ("indicator", "region", "status", "reason", "declared_by", "approved_by")
    list_filter = ("status",)
    search_fields = ("indicator__code", "indicator__name", "reason")
    fields = ("region", "indicator", "reason")
    autocomplete_fields = ("indicator",)
    actions = ["approve_selected", "withdraw_selected"]

    def get_readonly_fields(self, request, obj=None):
        # Another region or indicator would be another declaration (the old one would stay).
        return ("region", "indicator") if obj else ()

    def save_model(self, request, obj, form, change):
        saved = services.declaration_propose(
            actor=request.user, region=obj.region, indicator=obj.indicator, reason=obj.reason
        )
        obj.pk = saved.pk

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if scope_of(request.user).role not in self.write_roles:
            return {}
        return actions

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw instead, so the history keeps the declaration

    @admin.action(description=_("Approve the selected declarations"))
    def approve_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            services.declaration_approve,
            lambda d: {"declaration": d},
            gettext("%(n)d declarations approved."),
        )

    @admin.action(description=_("Withdraw the selected declarations"))
    def withdraw_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            services.declaration_withdraw,
            lambda d: {"declaration": d},
            gettext("%(n)d declarations withdrawn."),
        )


@admin.register(VetoEvent)
class VetoEventAdmin(ReviewAdmin):
    selector = selectors.veto_events_for_user
    list_display = ("date", "kind", "region", "description", "entered_by")
    list_filter = ("kind",)
    search_fields = ("description",)
    date_hierarchy = "date"
    form = VetoEventForm
    fields = ("region", "date", "kind", "description", "evidence")

    def save_model(self, request, obj, form, change):
        saved = services.veto_event_save(
            actor=request.user,
            region=obj.region,
            date=obj.date,
            kind=obj.kind,
            description=obj.description,
            evidence=form.cleaned_data.get("evidence") if "evidence" in form.changed_data else None,
            event=VetoEvent.objects.get(pk=obj.pk) if change else None,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.veto_event_delete(actor=request.user, event=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.veto_event_delete(actor=request.user, event=obj)


@admin.register(YearLock)
class YearLockAdmin(ReviewAdmin):
    selector = selectors.year_locks_for_user
    list_display = ("year", "region", "locked", "changed_by", "changed_at", "reopen_reason")
    list_filter = ("locked",)
    fields = ("region", "year")
    actions = ["lock_selected", "reopen_selected", "make_assessment_year"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions if scope_of(request.user).role in self.write_roles else {}

    def save_model(self, request, obj, form, change):
        saved = services.year_lock(actor=request.user, region=obj.region, year=obj.year)
        obj.pk = saved.pk

    @admin.action(description=_("Lock the selected years again"))
    def lock_selected(self, request, queryset):
        self._bulk(
            request,
            queryset.select_related("region"),
            services.year_lock,
            lambda lock: {"region": lock.region, "year": lock.year},
            gettext("%(n)d years locked."),
        )

    @admin.action(description=_("Make the selected year its region's assessment year"))
    def make_assessment_year(self, request, queryset):
        locks = list(queryset.select_related("region"))
        if len({lock.region_id for lock in locks}) != len(locks):
            self.message_user(request, gettext("Select one year per region."), messages.ERROR)
            return
        self._bulk(
            request,
            locks,
            services.region_assessment_year_set,
            lambda lock: {"region": lock.region, "year": lock.year},
            gettext("The assessment year of %(n)d regions was set."),
        )

    @admin.action(description=_("Reopen the selected years (with a reason)"))
    def reopen_selected(self, request, queryset):
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._bulk(
                request,
                queryset.select_related("region"),
                services.year_reopen,
                lambda lock: {"region": lock.region, "year": lock.year},
                gettext("%(n)d years reopened."),
                reason=form.cleaned_data["reason"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "queryset": queryset,
            "action": "reopen_selected",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "title": gettext("Reopen locked years"),
        }
        return TemplateResponse(request, "admin/indicators/yearlock/reason_form.html", context)
