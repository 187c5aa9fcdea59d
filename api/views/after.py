"""After publication (DOMAIN §8): an entrant's feedback, certificates and appeal; the
organizer's comments to share, appeal decisions and certificate batch; the public
verification of a serial. Parse → one service or selector → render."""

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.throttling import client_ip
from api.views.jobs import job_accepted
from contests.selectors import contest_managed_get
from core.errors import NotFound
from core.ratelimit import rate_limit_hit
from results.enums import CommentShareStatus
from results.selectors_after import (
    appeal_managed_get,
    appeal_of_entry,
    appeals_for_review,
    certificate_of_entry,
    certificate_summary,
    certificate_verify,
    certificates_of_entry,
    comment_state,
    comments_for_review,
    feedback_for,
)
from results.services import appeals, certificates_issue, feedback
from submissions.selectors import entry_get_visible

# ---- serializers ----------------------------------------------------------------------------


class CriterionFeedbackSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    max_points = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    round_mean = serializers.FloatField(allow_null=True)


class RoundFeedbackSerializer(serializers.Serializer):
    round_id = serializers.IntegerField()
    name = serializers.CharField()
    judges = serializers.IntegerField()
    shown = serializers.BooleanField(help_text="false: too few judges for a mean to be shown")
    criteria = CriterionFeedbackSerializer(many=True)


class FeedbackSerializer(serializers.Serializer):
    receipt_number = serializers.CharField(source="entry.receipt_number")
    version = serializers.IntegerField(source="publication.version")
    published_at = serializers.DateTimeField(source="publication.published_at")
    band = serializers.CharField()
    rounds = RoundFeedbackSerializer(many=True)
    comments = serializers.ListField(child=serializers.DictField())


class CertificateSerializer(serializers.Serializer):
    serial = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    tier = serializers.CharField(source="tier_name")
    amount = serializers.IntegerField()
    recipient = serializers.CharField(source="recipient_name")
    issued_on = serializers.DateField()
    verify_url = serializers.SerializerMethodField()

    def get_verify_url(self, cert) -> str:
        return certificates_issue.verify_url(cert.serial)


class AppealSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    receipt_number = serializers.CharField(source="entry.receipt_number", read_only=True)
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    reason = serializers.CharField(max_length=appeals.REASON_MAX)
    filed_at = serializers.DateTimeField(read_only=True)
    decided_at = serializers.DateTimeField(read_only=True)
    decision_reason = serializers.CharField(read_only=True)
    resolved_at = serializers.DateTimeField(read_only=True)
    resolution = serializers.CharField(read_only=True)
    outcome_changed = serializers.BooleanField(read_only=True, allow_null=True)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=appeals.DECISIONS)
    reason = serializers.CharField(max_length=appeals.REASON_MAX)
    unlock = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="card.pk")
    round = serializers.CharField(source="card.round.name")
    receipt_number = serializers.CharField(source="card.entry.receipt_number")
    judge = serializers.CharField(source="card.judge.name")
    comment = serializers.CharField(source="card.comment", help_text="the judge's words")
    status = serializers.CharField(help_text="pending | approved | hidden")
    text = serializers.SerializerMethodField(help_text="what the entrant reads if shared")

    def get_text(self, row) -> str:
        share = getattr(row["card"], "share", None)
        return share.text if share is not None and row["status"] != "pending" else ""


class CommentPatchSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CommentShareStatus.values)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class VerificationSerializer(serializers.Serializer):
    serial = serializers.CharField()
    status = serializers.ChoiceField(choices=["valid", "revoked"])
    contest = serializers.CharField()
    kind = serializers.CharField()
    award = serializers.CharField()
    name = serializers.CharField(help_text="masked: 김*수")
    issued_on = serializers.DateField()
    revoked_at = serializers.DateTimeField(allow_null=True)


# ---- the entrant ----------------------------------------------------------------------------


class FeedbackView(APIView):
    @extend_schema(
        responses={
            200: FeedbackSerializer,
            404: OpenApiResponse(description="not yours, or not published"),
        }
    )
    def get(self, request, entry_id):
        entry = entry_get_visible(request.user, entry_id)
        return Response(FeedbackSerializer(feedback_for(user=request.user, entry=entry)).data)


class EntryCertificatesView(APIView):
    @extend_schema(responses=CertificateSerializer(many=True))
    def get(self, request, entry_id):
        entry = entry_get_visible(request.user, entry_id)
        found = certificates_of_entry(user=request.user, entry=entry)
        return Response(CertificateSerializer(found, many=True).data)


class EntryCertificateView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("serial", str, description="one certificate of the entry")],
        responses={(200, "application/pdf"): OpenApiResponse(description="the PDF")},
    )
    def get(self, request, entry_id):
        entry = entry_get_visible(request.user, entry_id)
        cert = certificate_of_entry(
            user=request.user, entry=entry, serial=request.query_params.get("serial")
        )
        pdf, filename = certificates_issue.certificate_pdf(certificate=cert)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class EntryAppealView(APIView):
    @extend_schema(responses=AppealSerializer)
    def get(self, request, entry_id):
        entry = entry_get_visible(request.user, entry_id)
        appeal = appeal_of_entry(user=request.user, entry=entry)
        if appeal is None:
            raise NotFound()
        return Response(AppealSerializer(appeal).data)

    @extend_schema(request=AppealSerializer, responses={201: AppealSerializer})
    def post(self, request, entry_id):
        entry = entry_get_visible(request.user, entry_id)
        reason = request.data.get("reason", "") if hasattr(request.data, "get") else ""
        appeal = appeals.appeal_file(  # the owner and the window first, then the reason
            user=request.user, entry=entry, reason=reason if isinstance(reason, str) else ""
        )
        return Response(AppealSerializer(appeal).data, status=201)


# ---- the organizer --------------------------------------------------------------------------


class CommentListView(generics.ListAPIView):
    """The judges' comments to share, paginated; ``?status=pending|approved|hidden``."""

    serializer_class = CommentSerializer

    @extend_schema(
        parameters=[OpenApiParameter("status", str, description="pending | approved | hidden")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        contest = contest_managed_get(self.request.user, self.kwargs["slug"])
        return comments_for_review(contest, self.request.query_params.get("status", ""))

    def list(self, request, *args, **kwargs):
        cards = self.paginate_queryset(self.get_queryset())
        rows = [{"card": c, "status": comment_state(c)} for c in cards]
        return self.get_paginated_response(CommentSerializer(rows, many=True).data)


class CommentView(APIView):
    @extend_schema(request=CommentPatchSerializer, responses=CommentPatchSerializer)
    def patch(self, request, slug, scorecard_id):
        contest = contest_managed_get(request.user, slug)
        payload = CommentPatchSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        share = feedback.comment_share_set(
            user=request.user,
            contest=contest,
            scorecard_id=scorecard_id,
            status=payload.validated_data["status"],
            text=payload.validated_data.get("text"),
        )
        return Response({"status": share.status, "text": share.text})


class AppealListView(generics.ListAPIView):
    """The contest's appeals, open first, paginated; ``?status=filed|accepted|…``."""

    serializer_class = AppealSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="filed | accepted | rejected | resolved")
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        contest = contest_managed_get(self.request.user, self.kwargs["slug"])
        return appeals_for_review(contest, self.request.query_params.get("status", ""))


class AppealDecisionView(APIView):
    @extend_schema(request=DecisionSerializer, responses=AppealSerializer)
    def post(self, request, slug, appeal_id):
        contest = contest_managed_get(request.user, slug)
        appeal_managed_get(contest, appeal_id)
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        appeal = appeals.appeal_decide(
            user=request.user,
            contest=contest,
            appeal_id=appeal_id,
            **payload.validated_data,
        )
        return Response(AppealSerializer(appeal).data)


class CertificatesView(APIView):
    @extend_schema(
        responses=OpenApiResponse(
            description="{award, participation, revoked, batch: {issued, reinstated, unchanged, "
            "skipped, problems, job}}"
        )
    )
    def get(self, request, slug):
        contest = contest_managed_get(request.user, slug)
        summary = certificate_summary(contest)
        batch = summary.pop("batch")
        summary["batch"] = (
            None
            if batch is None
            else {
                "issued": batch.issued,
                "reinstated": batch.reinstated,
                "unchanged": batch.unchanged,
                "skipped": batch.skipped,
                "problems": batch.problems,
                "job": batch.job_id,
                "created_at": batch.created_at,
                "finished_at": batch.finished_at,
            }
        )
        return Response(summary)

    @extend_schema(request=None, responses={202: OpenApiResponse(description="the queued job")})
    def post(self, request, slug):
        contest = contest_managed_get(request.user, slug)
        return job_accepted(
            certificates_issue.certificates_issue_start(user=request.user, contest=contest)
        )


class CertificatesZipView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, description="award | participation"),
            OpenApiParameter("division", str, description="a division code"),
        ],
        responses={(200, "application/zip"): OpenApiResponse(description="streamed ZIP")},
    )
    def get(self, request, slug):
        contest = contest_managed_get(request.user, slug)
        chunks = certificates_issue.certificates_zip(
            user=request.user,
            contest=contest,
            kind=request.query_params.get("kind", ""),
            division=request.query_params.get("division", ""),
        )
        response = StreamingHttpResponse(chunks, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{contest.slug}-certificates.zip"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


# ---- public ---------------------------------------------------------------------------------


class VerifyView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # public: no session, no CSRF, no token needed

    @extend_schema(
        responses={
            200: VerificationSerializer,
            404: OpenApiResponse(description="certificate_unknown"),
            429: OpenApiResponse(description="throttled"),
        }
    )
    def get(self, request, serial):
        rate_limit_hit(scope="verify", ident=client_ip(request), rate=settings.VERIFY_RATE)
        result = certificate_verify(serial)
        if result.status == "unknown":
            raise NotFound(
                _("No certificate has this serial number."),
                code="certificate_unknown",
                detail={"serial": result.serial},
            )
        return Response(VerificationSerializer(result).data)
