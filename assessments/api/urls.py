from django.urls import re_path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("assessments", views.SnapshotViewSet, basename="assessment")

urlpatterns = [
    # Region codes are six digits (as in regions/{code}/); anything else matches no route.
    re_path(
        r"^regions/(?P<code>\d{6})/scorecard/$", views.ScorecardView.as_view(), name="scorecard"
    ),
    *router.urls,
]
