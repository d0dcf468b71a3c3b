from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare, name="compare"),
    path("d/<str:region>/", views.overview, name="overview"),
    path("d/<str:region>/i/<str:edition>/<str:code>/", views.indicator, name="indicator"),
    path("d/<str:region>/dept/<str:code>/", views.department, name="department"),
    # The pages of issue 13 are named in the "dashboard" namespace (dashboard:entry).
    path("", include("dashboard.entry.urls")),
]
