"""``GET /healthz``: is the process able to serve? Used by compose and load balancers."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import zhonglou


def database_state(alias: str = "default") -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "down"
    return "ok"


def broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with zhonglou.celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # kombu raises transport-specific errors
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    database = database_state()
    broker = broker_state()
    body = {
        "status": "ok" if database == "ok" else "error",
        "database": database,
        "broker": broker,
        "version": zhonglou.__version__,
    }
    # A down broker degrades (recomputes go stale) but the site still serves; a down
    # database does not.
    return JsonResponse(body, status=200 if database == "ok" else 503)
