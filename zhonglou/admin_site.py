"""The admin site: open to every user with a role, not only to ``is_staff`` users, because
department clerks, reviewers and leaders all work in it.

There is one login page, the site's (``/login/``): an anonymous visitor of ``/admin/`` is sent
there and comes back. ``/admin/login/`` still accepts a posted form (old bookmarks, scripts),
with the same rule as the admin itself (a role or ``is_staff``), and is guarded by django-axes
like the site's login. An account that may not use the admin is sent to the site's login page
with a message instead of Django's "enter the correct username and password for a staff
account"."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ZhonglouAdminSite(admin.AdminSite):
    site_header = _("Eco-civilization demonstration zone indicators")
    site_title = _("Indicator platform")
    index_title = _("Data entry and review")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Imported here: this module is loaded before the app registry is ready.
        from accounts.forms import RoleAuthenticationForm, may_use_admin

        self.login_form = RoleAuthenticationForm
        self._may_use = may_use_admin

    def has_permission(self, request):
        return self._may_use(request.user)

    def login(self, request, extra_context=None):
        if request.method != "POST":
            if not request.user.is_authenticated:
                return redirect(self._site_login(request))
            if not self.has_permission(request):
                return self._no_access(request)
            return redirect(self._next(request))
        response = super().login(request, extra_context)
        form = getattr(response, "context_data", {}).get("form") if response else None
        if form is not None and form.has_error("__all__", "no_admin_access"):
            return self._no_access(request)
        return response

    def _next(self, request) -> str:
        target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return reverse("admin:index", current_app=self.name)

    def _site_login(self, request) -> str:
        return f"{reverse('login')}?{urlencode({REDIRECT_FIELD_NAME: self._next(request)})}"

    def _no_access(self, request):
        messages.error(
            request,
            gettext(
                "This account has no role in the platform, so data entry and review are not "
                "open to it. Ask an administrator to give it a role, or log in with another "
                "account."
            ),
        )
        return redirect("login")


class ZhonglouAdminConfig(AdminConfig):
    """The project's own app config (the first installed app): also where the project's
    database tuning is connected."""

    default_site = "zhonglou.admin_site.ZhonglouAdminSite"

    def ready(self):
        super().ready()
        from zhonglou import (
            db,  # noqa: F401 - connects the connection_created receiver
            sessions,  # noqa: F401 - connects the login-time receiver
        )
