"""Judging endpoints: parse → one service or selector → render."""

import tempfile
from pathlib import Path

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.judging_serializers import (
    AssignmentRunSerializer,
    ConflictRecordedSerializer,
    ConflictSerializer,
    JudgeAssignmentSerializer,
    PanelMemberSerializer,
    QueueFilterSerializer,
    ReasonSerializer,
    ScorecardWriteSerializer,
)
from api.parsers import MultiPartParser
from api.views.jobs import JobStatus, job_accepted
from contests.permissions import is_contest_organizer
from contests.selectors import contests_visible_to, round_managed_get
from core.errors import NotFound, ValidationFailed
from core.models import Job
from judging.selectors import (
    account_by_username,
    judge_assignment_get,
    judge_assignments,
    round_pending_conflicts,
    round_progress,
    scorecards_by_pair,
)
from judging.services.assignment import assignment_recuse, assignment_start
from judging.services.judges import judges_import
from judging.services.panel import conflict_declare, judge_profile_set, panel_member_add
from judging.services.scoring import scorecard_save, scorecard_unlock
from submissions.selectors import entry_by_receipt


class JudgeAssignmentList(generics.ListAPIView):
    """The judge's queue, in an order shuffled per judge. No entrant identity, anywhere."""

    serializer_class = JudgeAssignmentSerializer

    @extend_schema(parameters=[QueueFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = QueueFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        qs = judge_assignments(self.request.user)
        if "round" in query.validated_data:
            qs = qs.filter(round_id=query.validated_data["round"])
        return qs

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        cards = scorecards_by_pair(request.user, page)
        data = JudgeAssignmentSerializer(page, many=True, context={"scorecards": cards}).data
        return self.get_paginated_response(data)


class JudgeAssignmentDetail(APIView):
    @extend_schema(responses=JudgeAssignmentSerializer)
    def get(self, request, assignment_id):
        a = judge_assignment_get(request.user, assignment_id)
        cards = scorecards_by_pair(request.user, [a])
        return Response(JudgeAssignmentSerializer(a, context={"scorecards": cards}).data)


class RecuseView(APIView):
    @extend_schema(
        request=ReasonSerializer,
        responses={200: inline_serializer("Recused", {"recused": serializers.BooleanField()})},
    )
    def post(self, request, assignment_id):
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assignment_recuse(
            user=request.user, assignment_id=assignment_id, reason=payload.validated_data["reason"]
        )
        return Response({"recused": True})


class ScorecardView(APIView):
    @extend_schema(
        request=ScorecardWriteSerializer,
        responses={
            200: inline_serializer(
                "ScorecardSaved",
                {
                    "status": serializers.CharField(),
                    "total": serializers.FloatField(),
                    "version": serializers.IntegerField(),
                },
            )
        },
    )
    def put(self, request, assignment_id):
        payload = ScorecardWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        card = scorecard_save(
            user=request.user, assignment_id=assignment_id, **payload.validated_data
        )
        return Response(
            {
                "id": card.pk,
                "status": card.status,
                "total": float(card.total),
                "version": card.version,
            }
        )


class ScorecardUnlockView(APIView):
    @extend_schema(
        request=ReasonSerializer,
        responses={200: inline_serializer("Unlocked", {"status": serializers.CharField()})},
    )
    def post(self, request, scorecard_id):
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        card = scorecard_unlock(
            user=request.user, scorecard_id=scorecard_id, reason=payload.validated_data["reason"]
        )
        return Response({"status": card.status, "version": card.version})


class AssignmentRunView(APIView):
    @extend_schema(
        request=AssignmentRunSerializer,
        responses={
            200: inline_serializer(
                "AssignmentResult",
                {
                    "assigned": serializers.IntegerField(),
                    "total": serializers.IntegerField(),
                    "total_affinity": serializers.FloatField(),
                    "min_load": serializers.IntegerField(),
                    "max_load": serializers.IntegerField(),
                },
            ),
            202: JobStatus,
        },
    )
    def post(self, request, round_id):
        rnd = round_managed_get(request.user, round_id)
        payload = AssignmentRunSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        s = assignment_start(user=request.user, round=rnd, seed=payload.validated_data["seed"])
        if isinstance(s, Job):
            return job_accepted(s)
        return Response(
            {
                "assigned": s.assigned,
                "total": s.total,
                "total_affinity": s.total_affinity,
                "min_load": s.min_load,
                "max_load": s.max_load,
            }
        )


class ProgressView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "Progress",
                {
                    "judges": serializers.ListField(child=serializers.DictField()),
                    "pending_conflicts": serializers.ListField(child=serializers.DictField()),
                },
            )
        }
    )
    def get(self, request, round_id):
        rnd = round_managed_get(request.user, round_id)
        rows = round_progress(rnd)
        return Response(
            {
                "round": rnd.code,
                "assigned": sum(r.assigned for r in rows),
                "submitted": sum(r.submitted for r in rows),
                "judges": [r.__dict__ for r in rows],
                # declared by judges after the assignment; the next run applies them
                "pending_conflicts": [c.__dict__ for c in round_pending_conflicts(rnd)],
            }
        )


class PanelView(APIView):
    @extend_schema(request=PanelMemberSerializer, responses={201: PanelMemberSerializer})
    def post(self, request, round_id):
        rnd = round_managed_get(request.user, round_id)
        payload = PanelMemberSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        judge = account_by_username(data["judge"])
        panel_member_add(user=request.user, round=rnd, judge=judge, max_load=data.get("max_load"))
        if "expertise" in data:
            judge_profile_set(judge=judge, expertise=data["expertise"])
        return Response({"judge": judge.username, "max_load": data.get("max_load")}, status=201)


class ConflictView(APIView):
    """Organizers record a conflict for a judge (by entry receipt number or institution);
    a judge declares their own (by institution) in advance."""

    @extend_schema(request=ConflictSerializer, responses={201: ConflictRecordedSerializer})
    def post(self, request, slug):
        contest = get_object_or_404(contests_visible_to(request.user), slug=slug)
        payload = ConflictSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        organizer = is_contest_organizer(request.user, contest)
        judge = account_by_username(data["judge"]) if organizer and data.get("judge") else None
        judge = judge or request.user
        if data.get("entry") and not organizer:
            raise NotFound()  # judges name institutions; entries are the organizers' to name
        entry = (
            entry_by_receipt(request.user, contest, data["entry"]) if data.get("entry") else None
        )
        conflict_declare(
            user=request.user,
            contest=contest,
            judge=judge,
            entry=entry,
            institution=data.get("institution", ""),
            reason=data.get("reason", ""),
        )
        return Response(
            {
                "judge": judge.username,
                "entry": data.get("entry") or None,
                "institution": data.get("institution", ""),
            },
            status=201,
        )


class JudgesImportView(APIView):
    """Organizers upload a CSV/XLSX of judges: username,name,email[,affiliation,expertise,
    max_load,rounds]. All or nothing; new judges are emailed a link to set their password."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "JudgesFile", {"file": serializers.FileField()}
            )
        },
        responses={
            200: inline_serializer(
                "JudgesImported",
                {
                    "created": serializers.ListField(child=serializers.CharField()),
                    "updated": serializers.ListField(child=serializers.CharField()),
                    "panel_places": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request, slug):
        contest = get_object_or_404(contests_visible_to(request.user), slug=slug)
        upload = request.FILES.get("file")
        suffix = Path(upload.name).suffix.lower() if upload else ""
        if upload is None or suffix not in (".csv", ".xlsx"):
            raise ValidationFailed(_("Upload a .csv or .xlsx file."), code="invalid_table")
        with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            report = judges_import(user=request.user, contest=contest, path=tmp.name)
        return Response(
            {
                "created": report.created,
                "updated": report.updated,
                "panel_places": report.panel_places,
            }
        )
