from django.urls import path

from judging import results_views

urlpatterns = [
    path(
        "contests/<slug:slug>/manage/results/",
        results_views.results_manage,
        name="organizer-results",
    ),
    path(
        "contests/<slug:slug>/manage/results/<str:action>/",
        results_views.results_action,
        name="organizer-results-action",
    ),
]
