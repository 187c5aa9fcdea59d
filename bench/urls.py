"""Bench-only URLconf: the production URLs plus the bare endpoints, the baselines of bench_http.

Both go through the same stack as every API call (middleware, token authentication, DRF's
permission check, JSON parsing and rendering), so the ratio of an endpoint to the bare endpoint
of its own kind is the cost of that endpoint's own work:

* ``bench/ping/`` (GET, the bare *read*): one small query;
* ``bench/write/`` (POST, the bare *write*): the JSON body stored by one INSERT, committed
  (autocommit: the statement is its own transaction, flushed to the WAL like every write).

Both do their one statement the plain Django way, through the ORM; whatever an endpoint does
beyond that — its own queries, rules, audit record, serializers — is what its ratio measures.
The write goes to Django's session table, a table with no rule and no reader in the throwaway
bench database (``Session.objects.create``: one INSERT, no read first).
"""

import json
import uuid
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import path
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as production_urlpatterns
from contests.models import Contest


class BarePing(APIView):
    def get(self, request):
        slug = Contest.objects.order_by("pk").values_list("slug", flat=True).first()
        return Response({"user": request.user.pk, "contest": slug})


class BareWrite(APIView):
    def post(self, request):
        row = Session.objects.create(
            session_key=uuid.uuid4().hex,
            session_data=json.dumps({"user": request.user.pk, "body": request.data}),
            expire_date=timezone.now() + timedelta(days=1),
        )
        return Response({"id": row.session_key}, status=201)


urlpatterns = [
    path("api/v1/bench/ping/", BarePing.as_view()),
    path("api/v1/bench/write/", BareWrite.as_view()),
    *production_urlpatterns,
]
