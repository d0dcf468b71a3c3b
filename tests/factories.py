"""factory_boy factories for tests."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from indicators.choices import ValueStatus
from indicators.models import DataElement, IndicatorValue, Region

PASSWORD = "test-password"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a role (clerk, reviewer, leader, admin); a clerk's region comes from their
    department. Every user's password is ``PASSWORD``."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@zhonglou.example")
    department = None
    region = factory.LazyAttribute(lambda u: u.department.region if u.department else None)
    role = None

    @classmethod
    def _create(cls, model_class, *args, role=None, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        if role:
            user.groups.add(Group.objects.get(name=GROUP_NAMES[Role(role)]))
        return user


def element(key: str) -> DataElement:
    return DataElement.objects.get(key=key)


def make_value(
    region: Region,
    key: str,
    year: int,
    *,
    status: str = ValueStatus.DRAFT,
    value: Decimal | int | str | None = "95",
    answer: bool | None = None,
    **fields,
) -> IndicatorValue:
    """A value in the given state, written directly (for tests where the workflow that led
    there is not under test): no history row, no signal."""
    if answer is not None:
        value = None
    if status == ValueStatus.RETURNED:
        fields.setdefault("return_reason", "Check the source.")
    return IndicatorValue.objects.create(
        region=region,
        data_element=element(key),
        year=year,
        status=status,
        value=None if value is None else Decimal(str(value)),
        answer=answer,
        **fields,
    )


def pdf_upload(name: str = "evidence.pdf", content: bytes = b"%PDF-1.4\n% test\n"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")
