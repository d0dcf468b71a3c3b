"""Admin screens for the catalogue: editions, indicators with their criteria, regions,
departments and responsibilities."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from indicators import selectors, services
from indicators.models import (
    Criterion,
    CriterionRule,
    DataElement,
    Department,
    Domain,
    FrameworkEdition,
    Indicator,
    Region,
    Responsibility,
    Task,
)

from .scoping import RoleAdminMixin, ScopedRelatedFilter


class DomainInline(RoleAdminMixin, admin.TabularInline):
    model = Domain
    extra = 0
    fields = ("order", "code", "name", "name_en")


@admin.register(FrameworkEdition)
class FrameworkEditionAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "year",
        "status",
        "reconstruction",
        "indicator_count",
        "window_years",
        "reference_ratio_required",
        "loaded_at",
    )
    list_filter = ("status", "reconstruction")
    search_fields = ("code", "name", "name_en", "issuing_document")
    readonly_fields = ("content_hash", "source_file", "loaded_at")
    inlines = [DomainInline]
    actions = ["copy_to_draft"]
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "issuing_document", "year", "status")}),
        (
            _("Pass rule"),
            {
                "fields": (
                    "window_years",
                    "all_binding_required",
                    "reference_ratio_required",
                    "veto_in_window",
                )
            },
        ),
        (
            _("Provenance"),
            {"fields": ("reconstruction", "note", "source_file", "content_hash", "loaded_at")},
        ),
    )

    def scoped_queryset(self, request):
        return super().scoped_queryset(request).annotate(_indicators=Count("indicators"))

    @admin.display(description=_("indicators"), ordering="_indicators")
    def indicator_count(self, obj):
        return obj._indicators

    @admin.action(description=_("Copy to a new draft edition"), permissions=["add"])
    def copy_to_draft(self, request, queryset):
        for edition in queryset:
            copy = services.edition_copy(edition=edition)
            self.message_user(
                request,
                _("Copied %(source)s to the draft edition %(copy)s.")
                % {"source": edition.code, "copy": copy.code},
                messages.SUCCESS,
            )


class EditionDomainFilter(admin.SimpleListFilter):
    """Domains named with their edition, since every edition has its own 生态制度."""

    title = _("domain")
    parameter_name = "domain"

    def lookups(self, request, model_admin):
        domains = Domain.objects.select_related("edition").order_by("edition__code", "order")
        return [(d.pk, f"{d.edition.code} · {d.name}") for d in domains]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(task__domain_id=self.value())
        return queryset


class DepartmentFilter(ScopedRelatedFilter):
    """Indicators a department supplies data for (as lead or supporting)."""

    title = _("department")
    parameter_name = "department"

    def choices_for(self, request):
        departments = selectors.departments_for_user(request.user).order_by("region__code", "code")
        return [(d.pk, f"{d.region.name} · {d.name}") for d in departments]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() not in {str(pk) for pk, _label in self.choices_for(request)}:
            return queryset.none()
        supplied = Responsibility.objects.filter(department_id=self.value()).values("data_element")
        return queryset.filter(
            Q(data_element__in=supplied) | Q(children__data_element__in=supplied)
        ).distinct()


class CriterionInline(RoleAdminMixin, admin.StackedInline):
    model = Criterion
    extra = 0
    show_change_link = True
    fields = (
        ("target_text", "target_text_en"),
        ("level", "terrain", "eco_zone", "city_size", "coastal"),
        "rule_summary",
    )
    readonly_fields = ("rule_summary",)

    @admin.display(description=_("rules (edit on the criterion's page)"))
    def rule_summary(self, obj):
        return " ∧ ".join(str(rule) for rule in obj.rules.all()) if obj.pk else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rules")


@admin.register(Indicator)
class IndicatorAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "edition",
        "domain",
        "category",
        "scope",
        "unit",
        "confidence",
    )
    list_display_links = ("code", "name")
    list_filter = (
        "edition",
        EditionDomainFilter,
        "category",
        "scope",
        DepartmentFilter,
        "confidence",
    )
    search_fields = ("code", "name", "name_en", "data_element__key")
    list_select_related = ("edition", "task__domain", "data_element")
    autocomplete_fields = ("parent", "data_element", "inputs")
    inlines = [CriterionInline]
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("edition", "task", "parent", "code", "name", "name_en", "order")}),
        (_("Classification"), {"fields": ("category", "scope", "confidence", "data_element")}),
        (_("Method"), {"fields": ("definition", "calculation_method", "data_source")}),
        (
            _("Computed value"),
            {
                "fields": (
                    "formula",
                    "inputs",
                    "base_year",
                    "value_kind",
                    "unit",
                    "direction",
                    "decimals",
                ),
                "classes": ("collapse",),
            },
        ),
    )

    @admin.display(description=_("domain"), ordering="task__domain__order")
    def domain(self, obj):
        return obj.task.domain.name

    @admin.display(description=_("unit"))
    def unit(self, obj):
        return obj.shown_unit


class CriterionRuleInline(RoleAdminMixin, admin.TabularInline):
    model = CriterionRule
    extra = 0
    fields = ("order", "kind", "operator", "value", "span", "tolerance", "baseline_year")


@admin.register(Criterion)
class CriterionAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("indicator", "target_text", "region_class_label", "edition")
    list_filter = ("indicator__edition", "level", "terrain", "coastal")
    search_fields = ("indicator__code", "indicator__name", "target_text")
    list_select_related = ("indicator__edition",)
    autocomplete_fields = ("indicator",)
    inlines = [CriterionRuleInline]

    @admin.display(description=_("region class"))
    def region_class_label(self, obj):
        return obj.region_class_label()

    @admin.display(description=_("edition"), ordering="indicator__edition__code")
    def edition(self, obj):
        return obj.indicator.edition.code


@admin.register(DataElement)
class DataElementAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "key",
        "name",
        "value_kind",
        "unit",
        "direction",
        "plausible_min",
        "plausible_max",
    )
    list_filter = ("value_kind", "direction")
    search_fields = ("key", "name", "name_en")


@admin.register(Domain)
class DomainAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "edition", "order")
    list_filter = ("edition",)
    list_select_related = ("edition",)


@admin.register(Task)
class TaskAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "domain", "edition", "order")
    list_filter = ("edition",)
    list_select_related = ("edition", "domain")


@admin.register(Region)
class RegionAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "level",
        "parent",
        "terrain",
        "eco_zone",
        "coastal",
        "assessment_year",
        "synthetic",
    )
    list_filter = ("level", "terrain", "synthetic")
    # Set by the region's reviewers through a service (year locks: "make … assessment year").
    readonly_fields = ("assessment_year",)
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)

    def scoped_queryset(self, request):
        return selectors.regions_for_user(request.user).select_related("parent")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        def clean(self):
            # Say on the form what the service refuses: an attribute a locked year's verdict
            # reads cannot change while the year is locked.
            data = forms.ModelForm.clean(self)
            if self.instance.pk:
                stored = type(self.instance).objects.get(pk=self.instance.pk)
                services.check_region_change(stored, data)
            return data

        return type(form.__name__, (form,), {"clean": clean})

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        saved = services.region_update(actor=request.user, region=obj, changes=changes)
        obj.pk = saved.pk


@admin.register(Department)
class DepartmentAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "region", "email", "responsibility_count")
    list_filter = (("region", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "code", "name_en")
    list_select_related = ("region",)

    def scoped_queryset(self, request):
        # The API's rule: a clerk sees their own department (not the others' contacts), a
        # reviewer or leader the departments of the regions they read, an administrator all.
        return (
            selectors.departments_for_user(request.user)
            .annotate(_count=Count("responsibilities"))
            .order_by("region__code", "code")
        )

    @admin.display(description=_("data elements supplied"), ordering="_count")
    def responsibility_count(self, obj):
        return obj._count


@admin.register(Responsibility)
class ResponsibilityAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("data_element", "department", "role", "region", "due")
    list_filter = (
        ("region", admin.RelatedOnlyFieldListFilter),
        "role",
        ("department", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("data_element__key", "data_element__name", "department__name")
    list_select_related = ("data_element", "department", "region")
    autocomplete_fields = ("data_element", "department")

    def scoped_queryset(self, request):
        regions = selectors.regions_for_user(request.user)
        return super().scoped_queryset(request).filter(region__in=regions)

    @admin.display(description=_("due (following year)"))
    def due(self, obj):
        return f"{obj.due_month:02d}-{obj.due_day:02d}"
