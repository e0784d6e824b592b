from django.contrib.auth.decorators import login_required
from django.urls import path

from analytics.dashboards import views
from analytics.dashboards.pages.copays import CopaysView
from analytics.dashboards.pages.denials import DenialsView
from analytics.dashboards.pages.drilldown import DrillDownView
from analytics.dashboards.pages.episodes import EpisodesView
from analytics.dashboards.pages.payers import PayersView
from analytics.dashboards.pages.receivables import ReceivablesView
from analytics.dashboards.pages.referrals import ReferralsView
from analytics.dashboards.pages.schedule import ScheduleView

urlpatterns = [
    path("analytics/", views.OverviewView.as_view(), name="overview"),
    path("analytics/referrals/", ReferralsView.as_view(), name="dashboard-referrals"),
    path("analytics/episodes/", EpisodesView.as_view(), name="dashboard-episodes"),
    path("analytics/schedule/", ScheduleView.as_view(), name="dashboard-schedule"),
    path("analytics/payers/", PayersView.as_view(), name="dashboard-payers"),
    path("analytics/denials/", DenialsView.as_view(), name="dashboard-denials"),
    path("analytics/ar/", ReceivablesView.as_view(), name="dashboard-ar"),
    path("analytics/copays/", CopaysView.as_view(), name="dashboard-copays"),
    path("analytics/rows/<slug:kind>/", DrillDownView.as_view(), name="dashboard-rows"),
    path("analytics/definitions/", login_required(views.definitions), name="definitions"),
]
