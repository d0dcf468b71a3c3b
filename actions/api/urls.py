from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("actions", views.ActionViewSet, basename="action")

urlpatterns = router.urls
