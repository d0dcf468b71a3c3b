"""Test settings: the embedded default unless DATABASE_URL / CELERY_BROKER_URL point elsewhere."""

from .base import *  # noqa: F403
from .environment import read_str

SECRET_KEY = read_str("SECRET_KEY", "test-only-not-secret")
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
DEMO_ACCOUNTS = True
# Serve static files through the finders (node_modules included) without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tasks run in-process in tests; the real-worker tests switch this off for themselves.
CELERY_TASK_ALWAYS_EAGER = True
# ... and the recompute after a write goes through Celery, so that it runs before the write
# returns and the suite stays deterministic; the thread-mode tests switch to "thread".
ASSESSMENT_RECOMPUTE = "celery"
# Notifications are delivered through Celery too (eager here), when the write commits.
NOTIFICATION_DELIVERY = "celery"
# The real-worker tests give their worker a queue of its own; what it queues itself (a
# delivery's retry, the reminders' deliveries) goes there too.
CELERY_TASK_DEFAULT_QUEUE = read_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
