from django.urls import path, re_path

from . import views

app_name = "dossier"

urlpatterns = [
    path("d/<str:region>/dossier/", views.index, name="index"),
    re_path(
        r"^d/(?P<region>[^/]+)/dossier/(?P<kind>table|appendix)\.(?P<fmt>docx|xlsx|pdf)$",
        views.document,
        name="document",
    ),
    path("d/<str:region>/dossier/packages/", views.package_create, name="package-create"),
    path("d/<str:region>/dossier/packages/<int:pk>/", views.package, name="package"),
    path(
        "d/<str:region>/dossier/packages/<int:pk>/progress/",
        views.package_progress,
        name="package-progress",
    ),
    path(
        "d/<str:region>/dossier/packages/<int:pk>/download/",
        views.package_download,
        name="package-download",
    ),
]
