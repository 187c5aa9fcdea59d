"""Rankings, advancement, allocation, publication, public results and exports."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.judging_serializers import ReasonSerializer
from api.views.jobs import JobStatus, job_accepted
from contests.models import Contest
from contests.selectors import contest_managed_get, contests_visible_to, round_managed_get
from core.errors import NotFound
from core.models import Job
from results import public_cache
from results.exports import EXPORTS, export_bytes
from results.models import BoundaryDecision
from results.selectors import (
    public_winners,
    publication_public_get,
    publication_public_version,
    results_public,
)
from results.selectors_after import publication_versions
from results.services import certainty, publication, rankings

ROW_FIELDS = ("rank", "entry_code", "division", "score", "n_judges")
# How sure the order is (DOMAIN §6), when the snapshot has rank intervals: the 90 % interval,
# P(advance) for a round with a cut, P(this tier or a higher one) per tier for the final ranking
CERTAINTY_FIELDS = ("rank_low", "rank_high", "p_advance", "contested", "p_tier", "contested_tiers")


def _snapshot_body(snap) -> dict:
    return {
        "id": snap.pk,
        "method": snap.method,
        "inputs_sha256": snap.inputs_sha256,
        "created_at": snap.created_at,
        "params": snap.params,
        "rows": [
            {k: r.get(k) for k in ROW_FIELDS}
            | {k: r[k] for k in CERTAINTY_FIELDS if k in r}
            | {k: v for k, v in r.items() if k.startswith(("mean_", "total_", "score_", "tie_"))}
            for r in snap.rows
        ],
        "judges": snap.judges,
        "certainty": snap.certainty,
    }


def _contest(user, slug) -> Contest:
    return get_object_or_404(contests_visible_to(user), slug=slug)


class MethodSerializer(serializers.Serializer):
    method = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Rank although judges still owe scorecards: why (recorded, shown with the "
        "ranking). Without it such a ranking is refused with 409 scorecards_outstanding.",
    )


class RoundRankingView(APIView):
    @extend_schema(
        request=MethodSerializer,
        responses={
            201: OpenApiResponse(
                description="{id, method, inputs_sha256, "
                "rows: [{rank, entry_code, score, n_judges}]}"
            ),
            202: OpenApiResponse(
                response=JobStatus, description="a large round: queued as a background job"
            ),
        },
    )
    def post(self, request, round_id):
        rnd = round_managed_get(request.user, round_id)
        payload = MethodSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        snap = rankings.ranking_start(
            user=request.user,
            round=rnd,
            method=payload.validated_data["method"] or None,
            override_reason=payload.validated_data["override_reason"],
        )
        if isinstance(snap, Job):
            return job_accepted(snap)
        return Response(_snapshot_body(snap), status=201)


class AdvanceView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "Advanced", {"advanced": serializers.ListField(child=serializers.CharField())}
            )
        },
    )
    def post(self, request, round_id):
        rnd = round_managed_get(request.user, round_id)
        return Response({"advanced": rankings.round_advance(user=request.user, round=rnd)})


class FinalRankingView(APIView):
    @extend_schema(
        request=None, responses={201: OpenApiResponse(description="the weighted final ranking")}
    )
    def post(self, request, slug):
        contest = _contest(request.user, slug)
        snap = rankings.final_ranking_compute(user=request.user, contest=contest)
        return Response(_snapshot_body(snap), status=201)


def _allocation_body(a) -> dict:
    return {
        "id": a.pk,
        "awards": [
            {
                k: w[k]
                for k in (
                    "tier",
                    "tier_name",
                    "entry_code",
                    "amount",
                    "joint",
                    "rank",
                    "division",
                    "kind",
                )
            }
            for w in a.awards
        ],
        "unawarded": a.unawarded,
        "tiers_total": a.tiers_total,
        "awarded_total": a.awarded_total,
        "unallocated": a.unallocated,
        "remainder": a.remainder,
        "approved_at": a.approved_at,
        # tier boundaries some entry's rank interval crosses: acknowledged before the approval
        "contested_boundaries": certainty.boundaries_detail(
            certainty.contested_boundaries(a.ranking)
        ),
        "boundaries_acknowledged": (
            {
                "decision": a.boundaries_decision,
                "note": a.boundaries_note,
                "at": a.boundaries_acknowledged_at,
            }
            if a.boundaries_acknowledged_at
            else None
        ),
    }


class AllocationView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(
                description="{awards: [{tier, entry_code, amount}], awarded_total, unallocated, "
                "remainder}"
            )
        },
    )
    def post(self, request, slug):
        contest = _contest(request.user, slug)
        a = publication.allocation_compute(user=request.user, contest=contest)
        return Response(_allocation_body(a))


class BoundariesSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=BoundaryDecision.choices,
        help_text="confirmed: the order stands as computed; deliberated: the judges deliberated "
        "and the order stands",
    )
    note = serializers.CharField(max_length=2000, help_text="what was decided and why (recorded)")


class BoundariesView(APIView):
    @extend_schema(
        request=BoundariesSerializer,
        responses={
            200: OpenApiResponse(
                description="the allocation, its contested boundaries acknowledged; 400 "
                "no_contested_boundaries when none is"
            )
        },
    )
    def post(self, request, slug):
        contest = contest_managed_get(request.user, slug)  # 404 before the body is looked at
        payload = BoundariesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        a = certainty.boundaries_acknowledge(
            user=request.user,
            contest=contest,
            decision=payload.validated_data["decision"],
            note=payload.validated_data["note"],
        )
        return Response(_allocation_body(a))


class ApproveView(APIView):
    @extend_schema(request=None, responses={200: OpenApiResponse(description="approved")})
    def post(self, request, slug):
        contest = _contest(request.user, slug)
        a = publication.allocation_approve(user=request.user, contest=contest)
        return Response(_allocation_body(a))


class PublishView(APIView):
    @extend_schema(request=None, responses={200: OpenApiResponse(description="published")})
    def post(self, request, slug):
        contest = _contest(request.user, slug)
        p = publication.results_publish(user=request.user, contest=contest)
        return Response({"published_at": p.published_at, "winners": len(p.winners)})


class UnpublishView(APIView):
    @extend_schema(
        request=ReasonSerializer, responses={200: OpenApiResponse(description="unpublished")}
    )
    def post(self, request, slug):
        contest = _contest(request.user, slug)
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        publication.results_unpublish(
            user=request.user, contest=contest, reason=payload.validated_data["reason"]
        )
        return Response({"unpublished": True})


def _results_json(request, live) -> bytes:
    """The public results as JSON, drawings by absolute stable URLs (they redirect to signed
    ones), so the bytes stay right for as long as the publication is live."""
    winners = public_winners(live)
    for w in winners:
        for field in ("image_url", "thumbnail_url"):
            if field in w:
                w[field] = request.build_absolute_uri(w[field])
    return JSONRenderer().render(
        {
            "published_at": live.published_at,
            "winners": winners,
            **publication_versions(live.contest),  # fixed with the version: cacheable
        }
    )


class ResultsView(APIView):
    """Public results, served like static content: cached per publication version and
    language, ETag → 304, and a CDN may keep them a minute (results/public_cache.py)."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: OpenApiResponse(
                description="{published_at, winners: [{tier, division, name, title, amount, "
                "image_url?, thumbnail_url?}], version, history: [{version, published_at, "
                "unpublished_at, reason, appeals}]}; ETag, Cache-Control: public, s-maxage=60"
            ),
            304: OpenApiResponse(description="If-None-Match matched: not modified"),
            404: OpenApiResponse(description="not published"),
        }
    )
    def get(self, request, slug):
        found = publication_public_version(slug=slug)  # the one query of a cached answer
        if found is None:  # nothing public: a 404, or an organizer looking at a draft contest's
            contest = _contest(request.user, slug)
            live = results_public(contest)
            live.contest = contest
            response = HttpResponse(_results_json(request, live), content_type="application/json")
            response["Cache-Control"] = "private, no-store"
            return response
        pk, version = found

        def build() -> bytes:
            live = publication_public_get(slug=slug, pk=pk)
            if live is None:  # unpublished since the version was read
                raise NotFound()
            return _results_json(request, live)

        body, etag = public_cache.cached_bytes(public_cache.json_key(version, request), build)
        return public_cache.public_json(request, body, etag)


class ExportView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="CSV or XLSX file")})
    def get(self, request, slug, name, fmt):
        contest = contest_managed_get(request.user, slug)
        if name not in EXPORTS:
            raise NotFound()
        lang = request.query_params.get("lang", "")  # headers and names: Korean, or ?lang=en
        with translation.override(lang if lang in ("ko", "en") else translation.get_language()):
            data = export_bytes(contest, name, fmt)
        content_type = (
            "text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{contest.slug}-{name}.{fmt}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
