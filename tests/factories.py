"""factory_boy factories for tests."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role

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
