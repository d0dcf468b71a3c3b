from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("frameworks", views.FrameworkViewSet, basename="framework")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("regions", views.RegionViewSet, basename="region")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("responsibilities", views.ResponsibilityViewSet, basename="responsibility")
router.register("values", views.ValueViewSet, basename="value")

urlpatterns = router.urls
