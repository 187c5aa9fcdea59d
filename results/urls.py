from django.urls import include, path

from results import pairwise_views, views

urlpatterns = [
    path(
        "contests/<slug:slug>/manage/rounds/<id:pairwise_round_id>/scale/",
        pairwise_views.organizer_scale,
        name="organizer-scale",
    ),
    # the contest's own page for its organizers: the season's checklist and the dashboard
    path("contests/<slug:slug>/manage/", views.organizer_contest, name="organizer-contest"),
    path("contests/<slug:slug>/results/", views.public_results, name="contest-results"),
    path(
        "contests/<slug:slug>/results/<id:publication>/<id:n>/<slug:size>/",
        views.public_drawing,
        name="contest-results-drawing",
    ),
    path(
        "contests/<slug:slug>/manage/results/",
        views.results_manage,
        name="organizer-results",
    ),
    path(
        "contests/<slug:slug>/manage/results/preview/",
        views.results_preview,
        name="organizer-results-preview",
    ),
    path(
        "contests/<slug:slug>/manage/results/<str:action>/",
        views.results_action,
        name="organizer-results-action",
    ),
    path("", include("results.urls_after")),  # after publication: feedback, certificates, appeals
]
