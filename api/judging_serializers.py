"""Judging shapes of the API. What a judge receives never names an entrant."""

from rest_framework import serializers

from core.converters import MAX_ID
from judging.models import Assignment
from judging.selectors import judge_files


class RubricSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    max_points = serializers.IntegerField()


class JudgeAssignmentSerializer(serializers.ModelSerializer):
    round = serializers.SerializerMethodField()
    entry_code = serializers.CharField(source="entry.blind_code")
    title = serializers.CharField(source="entry.title")
    description = serializers.CharField(source="entry.description")
    files = serializers.SerializerMethodField()
    rubric = RubricSerializer(many=True, source="round.criteria.all")
    scorecard = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "round",
            "entry_code",
            "title",
            "description",
            "files",
            "rubric",
            "scorecard",
        ]

    def get_round(self, a) -> dict:
        return {
            "id": a.round_id,
            "code": a.round.code,
            "name": a.round.name,
            "closes_at": a.round.judging_closes_at,
        }

    def get_files(self, a) -> list[dict]:
        return [{"slot": f.slot, "url": f.url, "kind": f.kind} for f in judge_files(a)]

    def get_scorecard(self, a) -> dict | None:
        card = self.context["scorecards"].get((a.round_id, str(a.entry_id)))
        if card is None:
            return None
        return {
            "id": card.pk,
            "status": card.status,
            "comment": card.comment,
            "total": float(card.total),
            "version": card.version,
            "scores": {s.criterion.code: float(s.points) for s in card.scores.all()},
        }


class ScorecardWriteSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)
    comment = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)
    submit = serializers.BooleanField(required=False, default=False)
    version = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


class AssignmentRunSerializer(serializers.Serializer):
    seed = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**32 - 1)


class PanelMemberSerializer(serializers.Serializer):
    judge = serializers.CharField(help_text="username of a judge account")
    max_load = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1
    )
    expertise = serializers.ListField(child=serializers.CharField(), required=False)


class ConflictSerializer(serializers.Serializer):
    judge = serializers.CharField(required=False, help_text="username (organizers only)")
    entry = serializers.CharField(
        required=False, allow_blank=True, help_text="receipt number (organizers only)"
    )
    institution = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ConflictRecordedSerializer(serializers.Serializer):
    """What ``POST contests/{slug}/conflicts/`` answers: ``entry`` is null for an institution."""

    judge = serializers.CharField()
    entry = serializers.CharField(allow_null=True, help_text="receipt number, or null")
    institution = serializers.CharField(allow_blank=True)


class QueueFilterSerializer(serializers.Serializer):
    """``GET judging/assignments/?round=<id>``: an id, or a 400 (never a database overflow)."""

    round = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
