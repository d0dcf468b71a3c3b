"""The Celery application; configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhonglou.settings.local")

app = Celery("zhonglou")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="zhonglou.ping")
def ping(token: str) -> dict:
    """Round trip used by /healthz diagnostics and the real-worker test."""
    return {"pong": token, "worker": ping.request.hostname}
