"""What django-axes calls around a login: the client's address, and the page a locked-out
login gets (the site's login page with the reason, in the reader's language)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED_OUT_STATUS = 429


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` proxies the address the outermost of
    them saw (X-Forwarded-For is read from the right, so a client cannot choose its own)."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed logins for this user name from your address. Try again in "
        "%(minutes)d minutes, or ask an administrator to unlock the account."
    ) % {"minutes": minutes}


def login_locked_out(request, original_response=None, credentials=None):
    """The login page again (whichever login page was used), with the lockout message."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked_out": lockout_message(),
        "next": request.POST.get("next") or request.GET.get("next") or "/",
    }
    return render(request, "registration/login.html", context, status=LOCKED_OUT_STATUS)
