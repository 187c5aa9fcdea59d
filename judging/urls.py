from django.urls import path

from judging import views

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
    path("judging/files/<str:token>/", views.judge_file, name="judge-file"),
    path(
        "contests/<slug:slug>/manage/rounds/<id:round_id>/",
        views.organizer_round,
        name="organizer-round",
    ),
]
