"""Filters shared by the API's filter sets."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or 1/0, yes/no, on/off), or absent; anything else is an error
    instead of being ignored as django-filter's own field does (``?current=maybe``)."""

    default_error_messages = {"invalid": _("Expected true or false, got “%(value)s”.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise forms.ValidationError(
            self.error_messages["invalid"], code="invalid", params={"value": str(value)[:40]}
        )


class BooleanFilter(django_filters.BooleanFilter):
    """django-filter's BooleanFilter, answering 400 to a value that is not a boolean."""

    field_class = StrictBooleanField
