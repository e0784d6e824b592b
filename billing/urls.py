from django.urls import path

from billing import views

urlpatterns = [
    path("denials/", views.DenialQueueView.as_view(), name="denials"),
    path("denials/<int:pk>/", views.DenialDetailView.as_view(), name="denial-detail"),
    path("denials/<int:pk>/assign/", views.DenialAssignView.as_view(), name="denial-assign"),
    path("denials/<int:pk>/note/", views.DenialNoteView.as_view(), name="denial-note"),
    path("denials/<int:pk>/deadline/", views.DenialDeadlineView.as_view(), name="denial-deadline"),
    path("denials/<int:pk>/status/", views.DenialTransitionView.as_view(), name="denial-status"),
]
