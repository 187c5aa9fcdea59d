from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from contests.permissions import is_contest_organizer
from contests.selectors import contests_visible_to
from core.errors import NotFound
from core.models import AuditRecord
from core.selectors import audit_records_visible_to


class AuditRecordSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)

    class Meta:
        model = AuditRecord
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "target_type",
            "target_id",
            "before",
            "after",
            "reason",
        ]
        read_only_fields = fields


@extend_schema(responses=AuditRecordSerializer(many=True))
class ContestAuditView(generics.ListAPIView):
    """The contest's audit trail, newest first: organizers of that contest only (others: 404)."""

    serializer_class = AuditRecordSerializer

    def get_queryset(self):
        user = self.request.user
        contest = get_object_or_404(contests_visible_to(user), slug=self.kwargs["slug"])
        if not is_contest_organizer(user, contest):
            raise NotFound()
        return audit_records_visible_to(user, contest)
