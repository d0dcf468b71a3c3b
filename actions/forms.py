"""Forms of the corrective-action pages (the services check everything again)."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from actions.choices import ActionStatus
from indicators.models.values import TEXT_MAX_CHARS, TITLE_MAX_CHARS

# A date input's value is ISO 8601 whatever the language (Chinese would format 2026/03/31,
# which the browser drops).
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("What will be done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_CHARS,
    )
    lead_department = forms.ModelChoiceField(label=_("Lead department"), queryset=None)
    supporting_departments = forms.ModelMultipleChoiceField(
        label=_("Supporting departments"), queryset=None, required=False
    )
    due_date = forms.DateField(label=_("Due date"), widget=ISO_DATE)
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the date, a space, the step (2026-03-31 Draft the plan)."),
        max_length=TEXT_MAX_CHARS,
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = departments
        self.fields["supporting_departments"].queryset = departments

    def clean_milestones(self) -> list[tuple[str, datetime.date]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            day, _space, title = line.partition(" ")
            try:
                due = datetime.date.fromisoformat(day)
            except ValueError:
                raise ValidationError(
                    _("Line %(n)d: start with a date like 2026-03-31.") % {"n": number}
                ) from None
            if not title.strip():
                raise ValidationError(
                    _("Line %(n)d: name the step after the date.") % {"n": number}
                )
            rows.append((title.strip(), due))
        return rows


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (s.value, s.label)
            for s in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE)
        ],
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Progress note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_CHARS,
    )
    evidence = forms.FileField(label=_("Evidence"), required=False)


class VerifyForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (required when the indicator is not met)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_CHARS,
    )


class MilestoneForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    done = forms.BooleanField(required=False)


class MilestoneAddForm(forms.Form):
    title = forms.CharField(label=_("Step"), max_length=TITLE_MAX_CHARS)
    due_date = forms.DateField(label=_("Due date"), widget=ISO_DATE)


class MilestoneEditForm(MilestoneAddForm):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
