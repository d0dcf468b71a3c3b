from django.urls import re_path
from rest_framework.routers import SimpleRouter

from . import packages, views

router = SimpleRouter()
router.register("evidence-packages", packages.PackageViewSet, basename="evidence-package")

urlpatterns = [
    re_path(
        r"^regions/(?P<code>\d{6})/reports/(?P<kind>indicator-table|appendix)/$",
        views.ReportView.as_view(),
        name="dossier-report",
    ),
    *router.urls,
]
