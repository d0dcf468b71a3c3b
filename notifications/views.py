"""The bell (a count the page asks for after loading), the inbox and the user's choices. Only
the user's own notifications exist for them; reads never write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notifications import selectors, services
from notifications.choices import Kind

PAGE_SIZE = 30


@login_required
@require_GET
def count(request):
    response = JsonResponse({"unread": selectors.unread_count(request.user)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    notes = selectors.notifications_for_user(request.user)
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread": selectors.unread_count(request.user),
        "preferences": selectors.preferences_of(request.user),
    }
    return render(request, "notifications/inbox.html", context)


def _ids(values) -> list[int]:
    return [int(v) for v in values if v.isdigit()][:500]


@login_required
@require_POST
def mark_read(request):
    if request.POST.get("all") == "1":
        done = services.notifications_mark_read(actor=request.user)
    else:
        done = services.notifications_mark_read(
            actor=request.user, ids=_ids(request.POST.getlist("id"))
        )
    messages.success(request, _("%(n)d notifications marked as read.") % {"n": done})
    return redirect("notifications:inbox")


@login_required
@require_POST
def preferences(request):
    services.preferences_set(
        actor=request.user,
        choices={
            kind: (f"{kind}-site" in request.POST, f"{kind}-email" in request.POST)
            for kind in Kind.values
        },
    )
    messages.success(request, _("Your choices are saved."))
    return redirect("notifications:inbox")
