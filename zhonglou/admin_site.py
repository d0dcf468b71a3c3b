"""The admin site: open to every user with a role, not only to ``is_staff`` users, because
department clerks, reviewers and leaders all work in it."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of


class ZhonglouAdminSite(admin.AdminSite):
    site_header = _("Eco-civilization demonstration zone indicators")
    site_title = _("Indicator platform")
    index_title = _("Data entry and review")

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_staff or scope_of(user).active)


class ZhonglouAdminConfig(AdminConfig):
    """The project's own app config (the first installed app): also where the project's
    database tuning is connected."""

    default_site = "zhonglou.admin_site.ZhonglouAdminSite"

    def ready(self):
        super().ready()
        from zhonglou import db  # noqa: F401 - connects the connection_created receiver
