"""Comparative-judgement endpoints: parse → one service or selector → render."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import Pagination
from api.pairwise_serializers import (
    PairDecisionSerializer,
    RecusePairSerializer,
    pair_page_body,
    scale_body,
)
from contests.selectors import round_managed_get
from judging.scale import pairwise_round_required
from judging.scale_report import entry_rows, scale_report
from judging.services.comparisons import comparison_decide, comparison_recuse, pair_page

DECIDED_SHAPE = inline_serializer(
    "PairDecided",
    {
        "id": serializers.IntegerField(),
        "outcome": serializers.CharField(),
        "decided_at": serializers.DateTimeField(),
    },
)


def _decided(c) -> dict:
    return {
        "id": c.pk,
        "outcome": c.outcome,
        "decided_at": serializers.DateTimeField().to_representation(c.decided_at),
    }


class PairView(APIView):
    """The judge's current pair in a pairwise round and the next one (load its images now),
    their progress and the round's reliability. Asking again returns the same pairs."""

    @extend_schema(
        responses={
            200: OpenApiResponse(
                description="{round, comparison: {id, left: {code, title, description, "
                "image_url}, right, served_at} | null, upcoming | null, progress: {today, "
                "total, decided}, reliability: {ssr, decisions, complete}}"
            ),
            409: OpenApiResponse(
                description="`submissions_open`: nothing is compared while the contest takes "
                "entries (the contest's phase rule, as for scorecards)."
            ),
        }
    )
    def get(self, request, pairwise_round_id):
        return Response(pair_page_body(pair_page(user=request.user, round_id=pairwise_round_id)))


class DecideView(APIView):
    """Decide a served pair: {winner: "left"|"right"} or {winner: null, skip: true}. The same
    decision again (a double tap) answers the same; a different one is 409 already_decided."""

    @extend_schema(request=PairDecisionSerializer, responses={200: DECIDED_SHAPE})
    def post(self, request, comparison_id):
        payload = PairDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        c = comparison_decide(
            user=request.user, comparison_id=comparison_id, **payload.validated_data
        )
        return Response(_decided(c))


class RecusePairView(APIView):
    """A conflict of interest with one entry of a served pair: recorded at once."""

    @extend_schema(request=RecusePairSerializer, responses={200: DECIDED_SHAPE})
    def post(self, request, comparison_id):
        payload = RecusePairSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        c = comparison_recuse(
            user=request.user, comparison_id=comparison_id, **payload.validated_data
        )
        return Response(_decided(c))


class ScaleView(APIView):
    """A pairwise round's scale for its organizers: SSR (per division and over time), the
    stopping rule, judges' infit, and per entry (by receipt number, in rank order, paginated)
    θ, se, comparisons, wins, infit."""

    @extend_schema(
        responses={
            200: OpenApiResponse(
                description="{round, ssr, complete, stopping_rule, decisions, divisions, "
                "judges: [{judge, name, comparisons, infit, misfit}], history, count, next, "
                "previous, entries: [{rank, entry_code, division, theta, se, comparisons, wins, "
                "infit, misfit, score}]}"
            ),
            400: OpenApiResponse(description="`not_pairwise`: the round is judged with a rubric."),
        }
    )
    def get(self, request, pairwise_round_id):
        rnd = pairwise_round_required(round_managed_get(request.user, pairwise_round_id))
        report = scale_report(round=rnd)
        paginator = Pagination()
        page = paginator.paginate_queryset(entry_rows(report.scale), request, view=self)
        body = scale_body(report, page)
        entries = body.pop("entries")
        return Response(paginator.get_paginated_response(entries).data | body)
