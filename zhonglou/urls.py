from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from indicators.views import evidence_download

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("evidence/<str:token>/", evidence_download, name="evidence-download"),
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="home"),
]
