from django.urls import path

from results import views

urlpatterns = [
    path("contests/<slug:slug>/results/", views.public_results, name="contest-results"),
    path(
        "contests/<slug:slug>/results/<int:publication>/<int:n>/<slug:size>/",
        views.public_drawing,
        name="contest-results-drawing",
    ),
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
