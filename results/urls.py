from django.urls import path

from results import pairwise_views, views

urlpatterns = [
    path(
        "contests/<slug:slug>/manage/rounds/<int:pairwise_round_id>/scale/",
        pairwise_views.organizer_scale,
        name="organizer-scale",
    ),
    path("contests/<slug:slug>/results/", views.public_results, name="contest-results"),
    path(
        "contests/<slug:slug>/manage/results/",
        views.results_manage,
        name="organizer-results",
    ),
    path(
        "contests/<slug:slug>/manage/results/<str:action>/",
        views.results_action,
        name="organizer-results-action",
    ),
]
