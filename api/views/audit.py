from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from contests.selectors import audit_records_visible_to, contest_managed_get
from core.models import AuditRecord


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
        return audit_records_visible_to(user, contest_managed_get(user, self.kwargs["slug"]))
