"""Sending one delivery through its channel: Django's mail for e-mails, a JSON POST for group
robots (WeCom / DingTalk markdown messages) and API consumers (signed with HMAC-SHA256 of the
body). Nothing here touches the database."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from notifications.choices import EndpointKind

SIGNATURE_HEADER = "X-Zhonglou-Signature"
EVENT_HEADER = "X-Zhonglou-Event"
DELIVERY_HEADER = "X-Zhonglou-Delivery"


class DeliveryFailed(Exception):
    """The channel refused or could not be reached; the message says why (for the log)."""


def signature(secret: str, body: bytes) -> str:
    """The value of the signature header: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def robot_body(kind: str, title: str, text: str, link: str) -> dict:
    """A group robot's markdown message, in the style of ``kind`` (wecom or dingtalk)."""
    content = f"**{title}**\n\n{text}" + (f"\n\n[{link}]({link})" if link else "")
    if kind == EndpointKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": content}}
    return {"msgtype": "markdown", "markdown": {"content": content}}


def encode(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def post_json(url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST ``body`` as JSON; any answer but 2xx, or no answer in time, is a failure."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **headers},
    )
    try:
        with urllib.request.urlopen(
            request, timeout=settings.NOTIFICATION_WEBHOOK_TIMEOUT
        ) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"HTTP {exc.code}") from None
    except (OSError, ValueError) as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}"[:300]) from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"HTTP {status}")


def send_email(to: str, subject: str, text: str, html: str = "") -> None:
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (OSError, ValueError) as exc:  # SMTP errors are OSErrors
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}"[:300]) from None


def backoff_seconds(attempts: int) -> int:
    """How long to wait after the ``attempts``-th failure: base × 4^(attempts − 1), capped
    at an hour."""
    return min(3600, settings.NOTIFICATION_RETRY_SECONDS * 4 ** max(0, attempts - 1))
