from django.urls import re_path

from . import views

urlpatterns = [
    re_path(
        r"^regions/(?P<code>\d{6})/reports/(?P<kind>indicator-table|appendix)/$",
        views.ReportView.as_view(),
        name="dossier-report",
    ),
]
