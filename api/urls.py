from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api.views import accounts, contests

urlpatterns = [
    path("auth/register/", accounts.RegisterView.as_view(), name="api-register"),
    path("auth/token/", accounts.TokenView.as_view(), name="api-token"),
    path("me/", accounts.MeView.as_view(), name="api-me"),
    path("contests/", contests.ContestListView.as_view(), name="api-contest-list"),
    path("contests/<slug:slug>/", contests.ContestDetailView.as_view(), name="api-contest-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
