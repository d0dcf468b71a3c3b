"""The entry form's URLs, in the ``dashboard`` namespace (``dashboard:entry``)."""

from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("d/<str:region>/entry/<str:dept_code>/<int:year>/", views.entry, name="entry"),
    path(
        "d/<str:region>/entry/<str:dept_code>/<int:year>/check/<int:element>/",
        views.entry_check,
        name="entry-check",
    ),
]
