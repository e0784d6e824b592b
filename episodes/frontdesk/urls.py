from django.urls import path

from episodes.frontdesk import views

urlpatterns = [
    path("front-desk/", views.FrontDeskView.as_view(), name="front-desk"),
    path(
        "front-desk/appointments/<int:pk>/copay/",
        views.CopayLogView.as_view(),
        name="front-desk-copay",
    ),
]
