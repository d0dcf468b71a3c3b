"""Labelled values on the Django side: choices derived from a pure enum, and the icon and word of
any labelled value (pure enums of the scoring engine and Django ``TextChoices`` alike).

A pure enum member carries ``icon`` and ``word`` (an English msgid, see
assessments.scoring.types.Labelled); a ``TextChoices`` member carries its translated ``label``
and, where it is shown as a badge, an ``icon`` property.
"""

from __future__ import annotations

from enum import Enum

from django.db import models
from django.utils.translation import gettext, gettext_lazy


def text_choices(enum: type[Enum], module: str) -> type[models.TextChoices]:
    """A ``TextChoices`` with the members, values and translated words of ``enum``: what model
    fields, forms, filters and API ``ChoiceField`` s need, defined nowhere else."""
    members = [(m.name, (m.value, gettext_lazy(m.word))) for m in enum]
    choices = models.TextChoices(enum.__name__, members, module=module)
    for member in choices:
        member.icon = enum(member.value).icon
    return choices


def word(member) -> str:
    """The member's word in the active language."""
    if isinstance(member, models.Choices):
        return str(member.label)
    return gettext(member.word)


def icon(member) -> str:
    return getattr(member, "icon", "")


def icon_and_word(enum: type[Enum], key: str) -> tuple[str, str]:
    """The icon and word of ``enum``'s member ``key``; an unknown key reads as itself."""
    try:
        member = enum(key)
    except ValueError:
        return "", key
    return icon(member), word(member)
