"""Admin screens of the data-entry workflow: values (with evidence, comments, history and the
submit / approve / return / reopen actions), Excel template, upload and export."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from accounts.scope import Role, scope_of
from indicators import excel, permissions, selectors, services
from indicators.choices import ValueStatus
from indicators.models import Evidence, IndicatorValue, Responsibility
from zhonglou.choices import icon

from .forms import CommentForm, EvidenceForm, IndicatorValueForm, ReasonForm, UploadForm, YearsForm
from .history import ValueHistoryMixin, person
from .scoping import RoleAdminMixin, ScopedHistoryMixin, ScopedRelatedFilter, run_bulk

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def status_badge(status: str, label: str) -> str:
    """A status readable without colour: an icon and a word beside the colour."""
    return format_html(
        '<span class="zl-status zl-status-{}"><span aria-hidden="true">{}</span> {}</span>',
        status,
        icon(ValueStatus(status)),
        label,
    )


class YearFilter(ScopedRelatedFilter):
    title = _("year")
    parameter_name = "year"
    field_path = "year"

    def choices_for(self, request):
        if not scope_of(request.user).is_clerk:
            # Those who read every value of their regions: the span of the regions' years
            # from each region's index, not a DISTINCT over every value of a province.
            years = selectors.data_years(selectors.regions_for_user(request.user))
        else:
            # A clerk's years are those of their department's values only (another
            # department's years say something of its work); one region's, so few.
            years = (
                selectors.values_for_user(request.user)
                .order_by("-year")
                .values_list("year", flat=True)
                .distinct()
            )
        return [(y, str(y)) for y in years]


class ElementFilter(ScopedRelatedFilter):
    title = _("indicator")
    parameter_name = "element"
    field_path = "data_element_id"

    def choices_for(self, request):
        return [(e.pk, e.name) for e in selectors.elements_for_user(request.user).order_by("name")]


class DepartmentValueFilter(ScopedRelatedFilter):
    """The values a department owes (as lead or supporting) in its own region. A province
    has some 1,500 departments: the choices are those of the chosen region, or all the
    reader's when they are few (a district's); otherwise pick a region first."""

    title = _("department")
    parameter_name = "department"
    most = 100

    def choices_for(self, request):
        departments = selectors.departments_for_user(request.user)
        region = request.GET.get(RegionValueFilter.parameter_name, "")
        if region.isdigit():
            departments = departments.filter(region_id=region)
        listed = list(departments.order_by("code", "pk")[: self.most + 1])
        if len(listed) > self.most:
            chosen = self.value()
            listed = [d for d in listed if str(d.pk) == chosen] or list(
                departments.filter(pk=chosen if str(chosen).isdigit() else None)
            )
        return [(d.pk, d.name) for d in listed]

    def has_output(self):
        # A department asked for but out of the choices still filters (to nothing), rather
        # than being dropped with the filter and showing every value.
        return super().has_output() or self.value() not in (None, "")

    def queryset(self, request, queryset):
        value = self.value()
        if value in (None, ""):
            return queryset  # no join, so no DISTINCT when the filter is not used
        department = (
            selectors.departments_for_user(request.user)
            .filter(pk=value if str(value).isdigit() else None)
            .values_list("region_id", flat=True)
            .first()
        )
        if department is None:
            return queryset.none()
        # EXISTS rather than a join: one row per value, so no DISTINCT to count or page.
        owes = Responsibility.objects.filter(
            department_id=value, data_element_id=OuterRef("data_element_id")
        )
        return queryset.filter(Exists(owes), region_id=department)


class RegionValueFilter(ScopedRelatedFilter):
    title = _("region")
    parameter_name = "region"
    field_path = "region_id"

    def choices_for(self, request):
        return [(r.pk, r.name) for r in selectors.regions_for_user(request.user)]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    form = EvidenceForm
    extra = 1
    fields = ("title", "official_source", "file", "download", "size", "uploader", "uploaded_at")
    readonly_fields = ("download", "size", "uploader", "uploaded_at")
    verbose_name = _("evidence file")
    verbose_name_plural = _("evidence files")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        return self.fields

    @admin.display(description=_("download"))
    def download(self, obj):
        if not obj.pk:
            return ""
        return format_html('<a href="{}" download>{}</a>', obj.file.url, obj.original_name)

    @admin.display(description=_("uploaded by"))
    def uploader(self, obj):
        # A name, not a link: the user admin is for administrators only.
        return person(obj.uploaded_by) if obj.pk else ""

    def _may_edit(self, request, obj) -> bool:
        return obj is not None and obj.pk and permissions.may_edit_value(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return scope_of(request.user).active

    def has_add_permission(self, request, obj=None):
        return obj is None or bool(self._may_edit(request, obj))

    def has_change_permission(self, request, obj=None):
        return False  # evidence is replaced, not edited

    def has_delete_permission(self, request, obj=None):
        return bool(self._may_edit(request, obj))


@admin.register(IndicatorValue)
class IndicatorValueAdmin(
    ValueHistoryMixin, ScopedHistoryMixin, RoleAdminMixin, SimpleHistoryAdmin
):
    write_roles = (Role.CLERK, Role.ADMIN)
    form = IndicatorValueForm
    list_display = (
        "indicator",
        "year",
        "shown_value",
        "status_label",
        "region",
        "short_source",
        "entered_by",
        "updated_at",
    )
    list_display_links = ("indicator", "year")
    list_filter = (YearFilter, "status", ElementFilter, DepartmentValueFilter, RegionValueFilter)
    search_fields = ("data_element__name", "data_element__key", "source")
    list_per_page = 100
    # The page's count is enough: a second COUNT of every value (the "N total" link) costs
    # as much as the page at province scale.
    show_full_result_count = False
    inlines = [EvidenceInline]
    actions = ["submit_selected", "approve_selected", "return_selected", "export_selected"]
    change_form_template = "admin/indicators/indicatorvalue/change_form.html"
    change_list_template = "admin/indicators/indicatorvalue/change_list.html"
    history_list_display = ["when", "who", "status_word", "figure"]

    # --- reads -------------------------------------------------------------------------

    def scoped_queryset(self, request):
        return selectors.with_indicator_code(selectors.values_for_user(request.user))

    @admin.display(description=_("indicator"), ordering="data_element__name")
    def indicator(self, obj):
        code = getattr(obj, "indicator_code", None) or ""
        return f"{code} {obj.data_element.name}".strip()

    @admin.display(description=_("value"))
    def shown_value(self, obj):
        return obj.display()

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        return status_badge(obj.status, obj.get_status_display())

    # --- permissions -------------------------------------------------------------------

    def has_add_permission(self, request, *args):
        scope = scope_of(request.user)
        return scope.is_admin or (
            scope.is_clerk and selectors.elements_for_user(request.user, entry=True).exists()
        )

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return scope_of(request.user).role in self.write_roles
        return permissions.may_edit_value(request.user, obj) and not services.year_is_locked(
            obj.region_id, obj.year
        )

    def has_delete_permission(self, request, obj=None):
        return False  # values are returned or reopened, never deleted

    def get_readonly_fields(self, request, obj=None):
        return ("region", "data_element", "year", "shown_value") if obj else ()

    def get_fields(self, request, obj=None):
        # An existing value shows only the input its data element takes, or, when it cannot
        # change, the value as people read it (97%, 是).
        if obj is None:
            return ("region", "data_element", "year", "value", "answer", "source", "note")
        if not self.has_change_permission(request, obj):
            entry = "shown_value"
        else:
            entry = "answer" if obj.data_element.is_boolean else "value"
        return ("region", "data_element", "year", entry, "source", "note")

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if selectors.regions_for_user(request.user).count() <= 1:
            shown.remove("region")  # one region: the column would repeat it on every row
        return shown

    @admin.display(description=_("source citation"), ordering="source")
    def short_source(self, obj):
        if len(obj.source) <= 12:
            return obj.source
        return format_html('<span title="{}">{}…</span>', obj.source, obj.source[:11])

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_actions(self, request):
        actions = super().get_actions(request)
        role = scope_of(request.user).role
        allowed = {
            Role.CLERK: {"submit_selected", "export_selected"},
            Role.REVIEWER: {"approve_selected", "return_selected", "export_selected"},
            Role.LEADER: {"export_selected"},
        }.get(role)
        if allowed is not None:
            actions = {name: a for name, a in actions.items() if name in allowed}
        return actions

    # --- writes go through services ----------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        result = services.value_save(
            actor=request.user,
            region=obj.region,
            data_element=obj.data_element,
            year=obj.year,
            value=data.get("value"),
            answer=data.get("answer"),
            source=data.get("source", ""),
            note=data.get("note", ""),
            expected_version=data.get("version"),
        )
        # The inline formsets hold this very object: give it the saved row's state.
        for f in obj._meta.concrete_fields:
            setattr(obj, f.attname, getattr(result.value, f.attname))
        obj._state.adding = False
        for warning in result.warnings:
            self.message_user(request, warning, messages.WARNING)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Evidence:
            return super().save_formset(request, form, formset, change)
        # What formset.save() would record: the admin's change message reads these.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            cleaned = getattr(inline_form, "cleaned_data", None) or {}
            if inline_form.instance.pk and cleaned.get("DELETE"):
                services.evidence_remove(evidence=inline_form.instance, actor=request.user)
                formset.deleted_objects.append(inline_form.instance)
            elif not inline_form.instance.pk and cleaned.get("file"):
                evidence = services.evidence_add(
                    value=form.instance,
                    actor=request.user,
                    upload=cleaned["file"],
                    title=cleaned.get("title", ""),
                    official_source=cleaned.get("official_source", ""),
                )
                formset.new_objects.append(evidence)

    def revert_disabled(self, request, obj=None):
        # A value changes only through the workflow (edit, submit, reopen): reverting to an
        # old version would skip it, and the version check refuses it anyway.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)  # out of scope is a 404, not a 403
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleEdit as exc:
            # Lost a race between the form's check and the write: nothing was written.
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        context = {**(extra_context or {}), **self._workflow_context(request, obj)}
        return super().change_view(request, object_id, form_url, context)

    @staticmethod
    def _workflow_buttons() -> list[tuple[str, str, bool]]:
        """(action, label, needs a reason), in the order the buttons show."""
        return [
            (permissions.SUBMIT, gettext("Submit for review"), False),
            (permissions.APPROVE, gettext("Approve"), False),
            (permissions.RETURN, gettext("Return"), True),
            (permissions.REOPEN, gettext("Reopen"), True),
        ]

    def _workflow_context(self, request, obj: IndicatorValue) -> dict:
        user = request.user
        locked = services.year_is_locked(obj.region_id, obj.year)
        reviewer = permissions.is_reviewer_of(user, obj.region_id)
        enterer = permissions.may_enter(user, obj.region_id, obj.data_element_id)
        allowed = permissions.value_actions(user, obj)
        actions = [button for button in self._workflow_buttons() if button[0] in allowed]
        return {
            "value": obj,
            "status_html": status_badge(obj.status, obj.get_status_display()),
            "workflow_actions": actions,
            "year_locked": locked,
            "comments": obj.comments.select_related("author"),
            "may_comment": enterer or reviewer,
            "comment_form": CommentForm(),
            "change_warning": services.change_warning(obj),
        }

    # --- extra views -------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("template/", wrap(self.template_view), name=f"{prefix}_template"),
            path("upload/", wrap(self.upload_view), name=f"{prefix}_upload"),
            path("export/", wrap(self.export_view), name=f"{prefix}_export"),
            path(
                "<path:object_id>/act/<str:action>/",
                wrap(require_POST(self.act_view)),
                name=f"{prefix}_act",
            ),
            path(
                "<path:object_id>/comment/",
                wrap(require_POST(self.comment_view)),
                name=f"{prefix}_comment",
            ),
            *super().get_urls(),
        ]

    def _change_url(self, obj) -> str:
        return reverse("admin:indicators_indicatorvalue_change", args=[obj.pk])

    def act_view(self, request, object_id, action):
        obj = self.get_object(request, object_id)
        version = request.POST.get("version")
        kwargs = {
            "value": obj,
            "actor": request.user,
            "expected_version": int(version) if version and version.isdigit() else None,
        }
        service = {
            "submit": services.value_submit,
            "approve": services.value_approve,
            "return": services.value_return,
            "reopen": services.value_reopen,
        }.get(action)
        if service is None:
            raise Http404
        if action in ("return", "reopen"):
            kwargs["reason"] = request.POST.get("reason", "")
        try:
            service(**kwargs)
        except (ValidationError, PermissionDenied) as exc:
            text = str(exc) if isinstance(exc, PermissionDenied) else " ".join(exc.messages)
            self.message_user(request, text, messages.ERROR)
        else:
            done = {
                "submit": gettext("Submitted for review."),
                "approve": gettext("Approved."),
                "return": gettext("Returned to the department."),
                "reopen": gettext("Reopened: the department can edit it again."),
            }[action]
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj))

    def comment_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        form = CommentForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(gettext("Write something."))
            services.comment_add(value=obj, actor=request.user, text=form.cleaned_data["text"])
        except (ValidationError, PermissionDenied) as exc:
            text = str(exc) if isinstance(exc, PermissionDenied) else " ".join(exc.messages)
            self.message_user(request, text, messages.ERROR)
        return HttpResponseRedirect(self._change_url(obj) + "#comments")

    def _entry_region(self, request):
        if request.user.region_id is None:
            raise PermissionDenied
        return request.user.region

    def template_view(self, request):
        if not scope_of(request.user).enters_values:
            raise PermissionDenied
        region = self._entry_region(request)
        form = YearsForm(request.GET or None, initial={"year": selectors.default_year(region)})
        if request.GET and form.is_valid():
            last = form.cleaned_data["year"]
            edition = selectors.region_edition(region)
            span = edition.window_years if edition else 3
            years = list(range(last - span + 1, last + 1))
            content = excel.build_template(request.user, region, years)
            response = HttpResponse(content, content_type=XLSX)
            name = f"zhonglou-{region.code}-{years[0]}-{years[-1]}.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": gettext("Download the data-entry template"),
        }
        return TemplateResponse(
            request, "admin/indicators/indicatorvalue/template_form.html", context
        )

    def upload_view(self, request):
        if not scope_of(request.user).enters_values:
            raise PermissionDenied
        region = self._entry_region(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = excel.read_upload(form.cleaned_data["file"], request.user, region, write=True)
            if report.ok:
                self.message_user(
                    request,
                    gettext("%(saved)d values saved as drafts; %(skipped)d rows unchanged.")
                    % {"saved": len(report.rows), "skipped": report.skipped},
                    messages.SUCCESS,
                )
                for warning in report.warnings:
                    self.message_user(request, warning, messages.WARNING)
                return HttpResponseRedirect(reverse("admin:indicators_indicatorvalue_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "report": report,
            "title": gettext("Upload a filled-in template"),
        }
        return TemplateResponse(
            request, "admin/indicators/indicatorvalue/upload_form.html", context
        )

    def _export(self, queryset) -> HttpResponse:
        values = list(
            queryset.select_related("region", "data_element", "entered_by", "reviewed_by")
        )
        codes = selectors.indicator_codes({v.data_element_id for v in values})
        response = HttpResponse(excel.export_values(values, codes), content_type=XLSX)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="zhonglou-values-{stamp}.xlsx"'
        return response

    def export_view(self, request):
        """The list as it is filtered (the same query string as the change list)."""
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # What the change list itself does with a filter it does not know.
            changelist_url = reverse("admin:indicators_indicatorvalue_changelist")
            return HttpResponseRedirect(f"{changelist_url}?{ERROR_FLAG}=1")
        return self._export(changelist.get_queryset(request))

    # --- bulk actions ------------------------------------------------------------------

    def _bulk(self, request, queryset, action, done_message, **kwargs):
        run_bulk(
            self,
            request,
            lambda: services.values_bulk(action, queryset, actor=request.user, **kwargs),
            done_message,
            gettext("Nothing was changed: %(n)d of the selected values cannot take this action."),
        )

    @admin.action(description=_("Submit the selected values for review"))
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, services.value_submit, gettext("%(n)d values submitted."))

    @admin.action(description=_("Approve the selected values"))
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, services.value_approve, gettext("%(n)d values approved."))

    @admin.action(description=_("Return the selected values (with a reason)"))
    def return_selected(self, request, queryset):
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._bulk(
                request,
                queryset,
                services.value_return,
                gettext("%(n)d values returned."),
                reason=form.cleaned_data["reason"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "queryset": queryset,
            "action": "return_selected",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "title": gettext("Return values to their departments"),
        }
        return TemplateResponse(
            request, "admin/indicators/indicatorvalue/reason_form.html", context
        )

    @admin.action(description=_("Export the selected values to Excel"))
    def export_selected(self, request, queryset):
        return self._export(queryset)
