from django.urls import include, path

from . import review_views, views

# The pages of issue 13 are named in the "dashboard" namespace (dashboard:review, and the entry
# form's dashboard:entry); the older pages keep their plain names.
review_patterns = [
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
    path("", include((review_patterns, "dashboard"))),
]
