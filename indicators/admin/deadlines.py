"""The deadlines of a region's values: read by everyone in the region, set in bulk by its
reviewers (the "add" page is a form for many data elements and years at once)."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scope import Role, scope_of
from indicators import selectors, services
from indicators.models import DataElement, Deadline, Region
from indicators.models.values import YEAR_MAX, YEAR_MIN, YEAR_RANGE_MESSAGE

from .scoping import RoleAdminMixin


class DeadlinesForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("Region"))
    data_elements = forms.ModelMultipleChoiceField(
        queryset=DataElement.objects.order_by("key"),
        label=_("Data elements"),
        widget=forms.SelectMultiple(attrs={"size": 14}),
    )
    years = forms.CharField(
        label=_("Data years"), max_length=100, help_text=_("One or more years, e.g. 2024, 2025.")
    )
    due = forms.DateField(
        label=_("Due date"),
        required=False,
        help_text=_("Leave empty to go back to the default deadline."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        self.fields["region"].queryset = selectors.regions_for_user(user).filter(
            pk__in=[
                r.pk
                for r in selectors.regions_for_user(user)
                if scope.administers or scope.reviews_region(r.pk)
            ]
        )

    def clean_years(self) -> list[int]:
        parts = [p for p in re.split(r"[\s,，、]+", self.cleaned_data["years"]) if p]
        if not parts or not all(p.isdigit() and len(p) == 4 for p in parts):
            raise ValidationError(_("Write the years as four digits, separated by commas."))
        years = sorted({int(p) for p in parts})
        if any(not YEAR_MIN <= y <= YEAR_MAX for y in years):
            raise ValidationError(str(YEAR_RANGE_MESSAGE))
        return years


@admin.register(Deadline)
class DeadlineAdmin(RoleAdminMixin, admin.ModelAdmin):
    write_roles = (Role.REVIEWER, Role.ADMIN)
    list_display = ("data_element", "year", "due", "region", "changed_by", "changed_at")
    list_filter = ("year",)
    search_fields = ("data_element__name", "data_element__key")
    list_select_related = ("region", "data_element", "changed_by")
    actions = ["reset_selected"]

    def scoped_queryset(self, request):
        return selectors.deadlines_for_user(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # one deadline is changed through the bulk form, as many are

    def has_delete_permission(self, request, obj=None):
        return False  # "back to the default" is the action below, through the service

    def get_actions(self, request):
        return super().get_actions(request) if self._may_write(request) else {}

    def add_view(self, request, form_url="", extra_context=None):
        if not self._may_write(request):
            raise PermissionDenied
        form = DeadlinesForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                count = services.deadlines_set(
                    actor=request.user,
                    region=data["region"],
                    data_elements=data["data_elements"],
                    years=data["years"],
                    due=data["due"],
                )
            except (ValidationError, PermissionDenied) as exc:
                messages_ = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                form.add_error(None, " ".join(messages_))
            else:
                self.message_user(
                    request, gettext("%(n)d deadlines changed.") % {"n": count}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:indicators_deadline_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": gettext("Set deadlines"),
        }
        return TemplateResponse(request, "admin/indicators/deadline/set_form.html", context)

    @admin.action(description=_("Back to the default deadline"))
    def reset_selected(self, request, queryset):
        count = 0
        try:
            with transaction.atomic():  # all or nothing, as the other bulk actions
                count = self._reset(request, list(queryset.select_related("region")))
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request, gettext("%(n)d deadlines changed.") % {"n": count}, messages.SUCCESS
        )

    def _reset(self, request, deadlines) -> int:
        count = 0
        for region_id in sorted({d.region_id for d in deadlines}):
            rows = [d for d in deadlines if d.region_id == region_id]
            for year in sorted({d.year for d in rows}):
                count += services.deadlines_set(
                    actor=request.user,
                    region=rows[0].region,
                    data_elements=[d.data_element_id for d in rows if d.year == year],
                    years=[year],
                    due=None,
                )
        return count
