"""All of API v1."""

from django.urls import include, path

urlpatterns = [
    path("", include("assessments.api.urls")),
    path("", include("dossier.api.urls")),
    path("", include("indicators.api.urls")),
    path("", include("actions.api.urls")),
    path("", include("notifications.api.urls")),
]
