"""Signals the indicators app sends so that other apps can react without being imported here."""

from django.dispatch import Signal

# Sent inside the writing transaction whenever something that scoring reads changes for a
# region: values and their status, assigned targets, declarations, veto events, year locks.
# Arguments: region_id (int), years (a set of ints; empty means "every year").
region_data_changed = Signal()

# Sent inside the writing transaction when values change status in the workflow (submitted,
# approved, returned, reopened), so that notifications can be sent once the change commits.
# Arguments: action (indicators.permissions.SUBMIT, APPROVE, RETURN or REOPEN), value (the
# IndicatorValue as saved), actor (the user), reason (the return or reopen reason, or "").
value_transitioned = Signal()
