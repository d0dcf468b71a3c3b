"""Signals the assessments app sends so that other apps can react without being imported here."""

from django.dispatch import Signal

# Sent inside the storing transaction when a new snapshot replaces one whose verdict differs,
# or in which a binding indicator changed between met and not met. Arguments: snapshot (the
# new AssessmentSnapshot), previous (the one it replaces), flipped (codes of the binding
# indicators whose status changed).
verdict_changed = Signal()
