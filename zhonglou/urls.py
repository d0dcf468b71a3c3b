from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)

from indicators.views import evidence_download, evidence_view, veto_evidence_download

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("evidence/<str:token>/", evidence_download, name="evidence-download"),
    path("evidence/<str:token>/view/", evidence_view, name="evidence-view"),
    path("veto-evidence/<str:token>/", veto_evidence_download, name="veto-evidence-download"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("zhonglou.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (…/docs/?script), not inline,
    # so that the page works under the Content-Security-Policy.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # No Redoc: its page loads a logo from the internet and starts its search worker from a
    # blob: URL; Swagger UI (above) documents the same schema offline under the CSP.
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("actions.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("dossier.urls")),
    path("", include("dashboard.urls")),
]

# A URL under /api/ that matches no route still answers with the API's error body.
handler404 = "zhonglou.api.errors.not_found"
