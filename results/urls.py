from django.urls import include, path

from results import views

urlpatterns = [
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
    path("", include("results.urls_after")),  # after publication: feedback, certificates, appeals
]
