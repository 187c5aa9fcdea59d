from django.urls import path

from judging import pairwise_views, views

urlpatterns = [
    path("judging/", views.judge_queue, name="judge-queue"),
    path(
        "judging/assignments/<int:assignment_id>/",
        views.judge_assignment,
        name="judge-assignment",
    ),
    path(
        "judging/assignments/<int:assignment_id>/recuse/",
        views.judge_recuse,
        name="judge-recuse",
    ),
    path(
        "judging/rounds/<int:pairwise_round_id>/compare/",
        pairwise_views.judge_pair,
        name="judge-pair",
    ),
    path(
        "judging/comparisons/<int:comparison_id>/decide/",
        pairwise_views.judge_pair_decide,
        name="judge-pair-decide",
    ),
    path(
        "judging/comparisons/<int:comparison_id>/recuse/",
        pairwise_views.judge_pair_recuse,
        name="judge-pair-recuse",
    ),
    path("contests/<slug:slug>/manage/", views.organizer_contest, name="organizer-contest"),
    path(
        "contests/<slug:slug>/manage/rounds/<int:round_id>/",
        views.organizer_round,
        name="organizer-round",
    ),
]
