from django.contrib.auth.decorators import login_required
from django.urls import path

from analytics.dashboards import views

urlpatterns = [
    path("analytics/", views.OverviewView.as_view(), name="overview"),
    path("analytics/definitions/", login_required(views.definitions), name="definitions"),
]
