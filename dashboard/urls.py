from django.urls import include, path

from . import review_views, views
from .entry import views as entry_views

# The pages of issue 13 are named in the "dashboard" namespace (dashboard:review, and the entry
# form's dashboard:entry); the older pages keep their plain names.
namespaced = [
    path("d/<str:region>/entry/<str:dept_code>/<int:year>/", entry_views.entry, name="entry"),
    path(
        "d/<str:region>/entry/<str:dept_code>/<int:year>/check/<int:element>/",
        entry_views.entry_check,
        name="entry-check",
    ),
    path("d/<str:region>/review/", review_views.review_queue, name="review"),
    path("d/<str:region>/review/bulk/", review_views.review_bulk, name="review-bulk"),
    path("d/<str:region>/review/<int:pk>/", review_views.review_decide, name="review-decide"),
    path(
        "d/<str:region>/review/<int:pk>/comment/",
        review_views.review_comment,
        name="review-comment",
    ),
    path(
        "d/<str:region>/review/evidence/<str:token>/",
        review_views.evidence_preview,
        name="review-evidence",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare, name="compare"),
    path("d/<str:region>/", views.overview, name="overview"),
    path("d/<str:region>/i/<str:edition>/<str:code>/", views.indicator, name="indicator"),
    path("d/<str:region>/dept/<str:code>/", views.department, name="department"),
    path("", include((namespaced, "dashboard"))),
]
