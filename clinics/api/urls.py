from rest_framework.routers import DefaultRouter

from clinics.api.views import ClinicViewSet, ImportRunViewSet

router = DefaultRouter()
router.register("clinics", ClinicViewSet, basename="clinic")
router.register("imports", ImportRunViewSet, basename="import-run")
urlpatterns = router.urls
