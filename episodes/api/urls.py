from rest_framework.routers import DefaultRouter

from episodes.api import views

router = DefaultRouter()
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("episodes", views.EpisodeViewSet, basename="episode")
router.register("appointments", views.AppointmentViewSet, basename="appointment")
router.register("visits", views.VisitViewSet, basename="visit")
urlpatterns = router.urls
