"""Background job status: GET jobs/{id}/ (who started it, and organizers)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from contests.selectors import job_get_visible

JobStatus = inline_serializer(
    "JobStatus",
    {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "status": serializers.ChoiceField(choices=["queued", "running", "done", "failed"]),
        "progress": serializers.IntegerField(),
        "error": serializers.CharField(),
        "attempts": serializers.IntegerField(),
        "created_at": serializers.DateTimeField(),
        "started_at": serializers.DateTimeField(allow_null=True),
        "finished_at": serializers.DateTimeField(allow_null=True),
    },
)


def job_body(job) -> dict:
    return {
        "id": job.pk,
        "name": job.name,
        "status": job.status,
        "progress": job.progress,
        "error": job.error,
        "attempts": job.attempts,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


class JobView(APIView):
    @extend_schema(responses=JobStatus)
    def get(self, request, job_id):
        return Response(job_body(job_get_visible(request.user, job_id)))


def job_accepted(job) -> Response:
    """202 for work the service queued as a background job; ``Location`` is its status."""
    response = Response(job_body(job), status=202)
    response["Location"] = reverse("api-job", args=[job.pk])
    return response
