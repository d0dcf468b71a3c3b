from django.urls import path

from . import views

urlpatterns = [
    path("d/<str:region>/actions/new/", views.action_new, name="action-new"),
    path("d/<str:region>/actions/<int:pk>/", views.action_page, name="action"),
    path("action-evidence/<str:token>/", views.note_evidence_download, name="action-evidence"),
]
