"""Bench-only URLconf: the production URLs plus a bare DRF endpoint, the baseline of bench_http.

The bare endpoint goes through the same stack as every API call (middleware, token
authentication, DRF's permission check, JSON rendering) and runs one small query, so the ratio
of an endpoint to it is the cost of that endpoint's own work.
"""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as production_urlpatterns
from contests.models import Contest


class BarePing(APIView):
    def get(self, request):
        slug = Contest.objects.order_by("pk").values_list("slug", flat=True).first()
        return Response({"user": request.user.pk, "contest": slug})


urlpatterns = [path("api/v1/bench/ping/", BarePing.as_view()), *production_urlpatterns]
