from rest_framework.routers import DefaultRouter

from billing.api import views

router = DefaultRouter()
router.register("denials", views.DenialViewSet, basename="denial")
router.register("copays", views.CopayViewSet, basename="copay")
router.register("payers", views.PayerViewSet, basename="payer")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("remittances", views.RemittanceViewSet, basename="remittance")
urlpatterns = router.urls
