"""Output shapes of the public API (API.md). No business rules here."""

from rest_framework import serializers

from contests.models import Contest
from contests.selectors import prize_total


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    email = serializers.CharField(max_length=254)
    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    role = serializers.CharField(allow_blank=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class ContestListSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Contest
        fields = [
            "slug",
            "title",
            "title_ko",
            "title_en",
            "track",
            "status",
            "opens_at",
            "closes_at",
        ]


class DivisionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    birth_year_min = serializers.IntegerField(allow_null=True)
    birth_year_max = serializers.IntegerField(allow_null=True)


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    max_points = serializers.IntegerField()


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    order = serializers.IntegerField()
    judges_per_entry = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField(help_text='"rubric" or "pairwise" (comparative judgement)')
    method = serializers.CharField()
    calibration_lambda = serializers.FloatField(
        help_text="calibrated method: how strongly judges' offsets are shrunk towards 0"
    )
    tie_break = serializers.ListField(child=serializers.CharField())
    per_division = serializers.BooleanField()
    advance_count = serializers.IntegerField(allow_null=True)
    advance_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    judging_opens_at = serializers.DateTimeField(allow_null=True)
    judging_closes_at = serializers.DateTimeField(allow_null=True)
    rubric = CriterionSerializer(many=True, source="criteria.all")


class PrizeTierSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    amount = serializers.IntegerField()
    total = serializers.IntegerField()
    division = serializers.CharField(source="division.code", allow_null=True)
    min_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    kind = serializers.CharField()


class ContestDetailSerializer(ContestListSerializer):
    divisions = DivisionSerializer(many=True, source="divisions.all")
    rounds = RoundSerializer(many=True, source="rounds.all")
    prize_tiers = PrizeTierSerializer(many=True, source="prize_tiers.all")
    prize_total = serializers.SerializerMethodField()
    rules = serializers.CharField(read_only=True)

    class Meta(ContestListSerializer.Meta):
        fields = [
            *ContestListSerializer.Meta.fields,
            "results_at",
            "budget",
            "prize_total",
            "rules",
            "divisions",
            "rounds",
            "prize_tiers",
        ]

    def get_prize_total(self, contest) -> int:

        return prize_total(contest)
