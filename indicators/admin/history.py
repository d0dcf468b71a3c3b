"""The history page of a value read as a record: translated headers and status words, local
time to the minute, people's names without links to pages the reader may not open, and no
"Deleted user (pk=None)" for a field that was simply empty."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from indicators.formatting import format_number


def person(user) -> str:
    """A user as people call them: the full name, else the user name ("—" for nobody)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def moment(value: datetime.datetime | None) -> str:
    """A time in the site's zone, to the minute."""
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def readable(field: models.Field, value) -> str:
    """A field's stored value as a reader says it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, DeletedObject):
        return "—" if value.pk is None else _("a removed user")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return moment(value)
    if isinstance(value, Decimal):
        return format_number(value, 4)
    if hasattr(value, "get_full_name"):
        return person(value)
    return str(value)


class ReadableHistory(HistoricalRecordContextHelper):
    """Every change shown as ``readable`` says it."""

    def prepare_delta_change_value(self, change, value):
        return readable(self.model._meta.get_field(change.field), value)


class ValueHistoryMixin:
    """For a SimpleHistoryAdmin: the history page as a record (its template is
    ``admin/indicators/indicatorvalue/object_history_list.html``)."""

    object_history_list_template = "admin/indicators/indicatorvalue/object_history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return (
            super()
            .get_history_queryset(request, history_manager, pk_name, object_id)
            .select_related("history_user")
        )

    def status_word(self, record) -> str:
        return record.get_status_display() if hasattr(record, "get_status_display") else ""

    def figure(self, record) -> str:
        name = "value" if record.answer is None else "answer"
        return readable(record._meta.get_field(name), getattr(record, name))

    def who(self, record) -> str:
        return person(record.history_user)

    def when(self, record) -> str:
        return moment(record.history_date)
