"""Demo accounts for local use. Never created under production settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import User

DEMO_PASSWORD = "zhonglou-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    description: str


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    return [DemoAccount("admin", "系统管理员 / system administrator")]
