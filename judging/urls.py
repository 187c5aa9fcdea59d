from django.urls import path

from judging import views

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
        "contests/<slug:slug>/manage/rounds/<int:round_id>/",
        views.organizer_round,
        name="organizer-round",
    ),
]
