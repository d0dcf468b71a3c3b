"""Forms of the data-entry admin screens."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import construct_instance
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators import selectors, services
from indicators.formatting import format_number
from indicators.models import Evidence, IndicatorValue, VetoEvent
from indicators.models.values import TEXT_MAX_CHARS, YEAR_MAX, YEAR_MIN
from indicators.validation import MAX_DECIMAL_PLACES

YES_NO_CHOICES = [("", "—"), ("true", _("yes")), ("false", _("no"))]


def _to_bool(raw: str) -> bool | None:
    return {"true": True, "false": False}.get(raw)


class IndicatorValueForm(forms.ModelForm):
    """Entry of one value; the checks are the service's own (check_value_save), so that the
    form says exactly what the write would refuse, including a stale version."""

    answer = forms.TypedChoiceField(
        label=_("yes/no answer"),
        choices=YES_NO_CHOICES,
        coerce=_to_bool,
        required=False,
        empty_value=None,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = IndicatorValue
        fields = ["region", "data_element", "year", "value", "answer", "source", "note"]

    user = None  # set by the admin's get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # As in the API: a change names the version it read, or it would overwrite blindly.
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _(
                "The version you read is missing; reload the page and enter your change again."
            )
            self.fields["version"].initial = self.instance.version
            self.initial["answer"] = {True: "true", False: "false"}.get(self.instance.answer, "")
            if self.instance.value is not None:
                self.initial["value"] = format_number(self.instance.value, MAX_DECIMAL_PLACES)
            element = self.instance.data_element
            if "value" in self.fields:
                self.fields["value"].help_text = _("Unit: %(unit)s") % {"unit": element.unit or "—"}
        if "region" in self.fields:
            self._region_picker(self.fields["region"])
        if "data_element" in self.fields:
            self.fields["data_element"].queryset = selectors.elements_for_user(
                self.user, entry=True
            )

    def _region_picker(self, field) -> None:
        """The regions the user may enter for, opening on their own (no "---------")."""
        field.queryset = selectors.regions_for_user(self.user)
        field.empty_label = _("Choose a region")
        own = getattr(self.user, "region_id", None)
        if not self.instance.pk and own and "region" not in self.initial:
            self.initial["region"] = own

    def clean(self):
        data = super().clean()
        instance = self.instance
        region = data.get("region") or (instance.region if instance.pk else None)
        element = data.get("data_element") or (instance.data_element if instance.pk else None)
        year = data.get("year") or (instance.year if instance.pk else None)
        if not (region and element and year):
            return data
        if instance.pk and data.get("version") is None:
            return data  # reported on the version field; the service would say the same
        # On the add form the service looks the stored value up itself: an existing one is
        # refused (ValueExists) unless its version is stated, as on every entry path.
        existing = {"existing": instance} if instance.pk else {}
        try:
            services.check_value_save(
                actor=self.user,
                region=region,
                data_element=element,
                year=year,
                value=data.get("value"),
                answer=data.get("answer"),
                expected_version=data.get("version"),
                **existing,
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
            else:
                raise
        return data

    def _post_clean(self):
        # The service writes the row; the model's own validation would only repeat the
        # checks above (and the unique constraint, reported more helpfully in clean()).
        # The instance still takes the cleaned data: the admin's save_model reads the new
        # value's region, data element and year from it.
        opts = self._meta
        self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = Evidence
        fields = ["title", "official_source", "file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or not hasattr(upload, "size"):
            return upload
        services.check_evidence_file(upload)
        return upload


class VetoEventForm(forms.ModelForm):
    class Meta:
        model = VetoEvent
        fields = ["region", "date", "kind", "description", "evidence"]

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload and hasattr(upload, "size") and "evidence" in self.changed_data:
            services.check_evidence_file(upload)
        return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_CHARS
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_CHARS
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled-in template (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                gettext("The file is larger than %(mb)d MB.")
                % {"mb": settings.UPLOAD_MAX_BYTES // 2**20},
                code="file_size",
            )
        return upload


class YearsForm(forms.Form):
    year = forms.IntegerField(
        label=_("Last year of the window"), min_value=YEAR_MIN, max_value=YEAR_MAX
    )
