from rest_framework.routers import DefaultRouter

from billing.api.views import CopayViewSet, DenialViewSet

router = DefaultRouter()
router.register("denials", DenialViewSet, basename="denial")
router.register("copays", CopayViewSet, basename="copay")
urlpatterns = router.urls
