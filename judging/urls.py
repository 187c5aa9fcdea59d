from django.urls import path

from judging import pairwise_views, views

urlpatterns = [
    path("judging/", views.judge_queue, name="judge-queue"),
    path(
        "judging/assignments/<id:assignment_id>/",
        views.judge_assignment,
        name="judge-assignment",
    ),
    path(
        "judging/assignments/<id:assignment_id>/recuse/",
        views.judge_recuse,
        name="judge-recuse",
    ),
    path(
        "judging/assignments/<id:assignment_id>/unlock-request/",
        views.judge_unlock_request,
        name="judge-unlock-request",
    ),
    path(
        "judging/rounds/<id:pairwise_round_id>/compare/",
        pairwise_views.judge_pair,
        name="judge-pair",
    ),
    path(
        "judging/comparisons/<id:comparison_id>/decide/",
        pairwise_views.judge_pair_decide,
        name="judge-pair-decide",
    ),
    path(
        "judging/comparisons/<id:comparison_id>/recuse/",
        pairwise_views.judge_pair_recuse,
        name="judge-pair-recuse",
    ),
    path("judging/files/<str:token>/", views.judge_file, name="judge-file"),
    path(
        "judging/pairs/<str:token>/image/",
        pairwise_views.judge_pair_image,
        name="judge-pair-image",
    ),
    path(
        "contests/<slug:slug>/manage/rounds/<id:round_id>/",
        views.organizer_round,
        name="organizer-round",
    ),
]
