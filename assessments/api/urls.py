from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("assessments", views.SnapshotViewSet, basename="assessment")

urlpatterns = [
    path("regions/<str:code>/scorecard/", views.ScorecardView.as_view(), name="scorecard"),
    *router.urls,
]
