"""Session limits: a session ends after ``SESSION_IDLE_SECONDS`` without a request and
``SESSION_MAX_SECONDS`` after the login, whatever the activity.

The login time is kept in the session (written with the login itself). The time of the last
request is kept in a signed cookie rather than in the session, so that reading a page never
writes to the database (docs/architecture.md: a read never writes); the cookie expires with
the idle timeout, and without it the last activity counts as the login time."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

STARTED = "_zl_login_at"
SEEN_COOKIE = "zl_seen"
_SALT = "zhonglou.sessions.seen"


@receiver(user_logged_in, dispatch_uid="zhonglou.sessions.login_time")
def remember_login_time(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[STARTED] = int(time.time())


def _last_seen(request, started: int) -> int:
    raw = request.get_signed_cookie(SEEN_COOKIE, default=None, salt=_SALT)
    try:
        return max(int(raw), started) if raw is not None else started
    except ValueError:
        return started


def session_expired(request, now: int) -> bool:
    started = request.session.get(STARTED)
    if not isinstance(started, int):
        return True  # a session from before the limits: log in once more
    if now - started > settings.SESSION_MAX_SECONDS:
        return True
    return now - _last_seen(request, started) > settings.SESSION_IDLE_SECONDS


class SessionLimitsMiddleware:
    """Logs out an expired session before the view runs (the view then sees an anonymous
    visitor: pages send them to the login page, the API answers 403), and stamps the time of
    each signed-in request in the signed cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = int(time.time())
        signed_in = SESSION_KEY in request.session
        if signed_in and session_expired(request, now):
            logout(request)
            messages.info(request, _("Your session has ended. Please log in again."))
            signed_in = False
        response = self.get_response(request)
        if signed_in and SESSION_KEY in request.session:
            response.set_signed_cookie(
                SEEN_COOKIE,
                str(now),
                salt=_SALT,
                max_age=settings.SESSION_IDLE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif request.COOKIES.get(SEEN_COOKIE):
            response.delete_cookie(SEEN_COOKIE, samesite="Lax")
        return response
