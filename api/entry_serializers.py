"""Entry shapes of the API (API.md "Entries"). Parsing into service inputs; no rules here."""

from rest_framework import serializers

from submissions.models import Entry, EntryFile
from submissions.permissions import entry_deadline_open, entry_editable_by_entrant
from submissions.services.entries import ChildInput, EntryInput, MemberInput


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=200)
    university = serializers.CharField(allow_blank=True, max_length=200)
    department = serializers.CharField(allow_blank=True, max_length=200)
    email = serializers.CharField(allow_blank=True, max_length=254)
    phone = serializers.CharField(allow_blank=True, max_length=60)
    is_leader = serializers.BooleanField(default=False)
    is_student = serializers.BooleanField(default=True)


class ChildSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=200)
    birth_date = serializers.DateField()
    school = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    grade = serializers.CharField(allow_blank=True, required=False, default="", max_length=40)
    relationship = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=40
    )


class EntryWriteSerializer(serializers.Serializer):
    """Track S: team_name, theme, title, abstract, members, consents{privacy, originality}.
    Track D: child, title, description, consents{guardian, publish_name, publish_work}."""

    team_name = serializers.CharField(allow_blank=True, required=False, max_length=400)
    theme = serializers.CharField(allow_blank=True, required=False, max_length=40)
    title = serializers.CharField(allow_blank=True, required=False, max_length=800)
    abstract = serializers.CharField(allow_blank=True, required=False, max_length=5000)
    description = serializers.CharField(allow_blank=True, required=False, max_length=5000)
    video_url = serializers.URLField(allow_blank=True, required=False)
    members = MemberSerializer(many=True, required=False)
    child = ChildSerializer(required=False)
    consents = serializers.DictField(child=serializers.BooleanField(), required=False)

    def to_input(self) -> tuple[EntryInput, set[str]]:
        data = self.validated_data
        given = set(data)
        if "abstract" in data:
            data["description"] = data.pop("abstract")
            given = (given - {"abstract"}) | {"description"}
        entry_input = EntryInput(
            title=data.get("title", ""),
            description=data.get("description", ""),
            team_name=data.get("team_name", ""),
            theme=data.get("theme", ""),
            video_url=data.get("video_url", ""),
            members=[MemberInput(**m) for m in data["members"]] if "members" in data else None,
            child=ChildInput(**data["child"]) if "child" in data else None,
            consents=dict(data.get("consents", {})),
        )
        return entry_input, given


class FileSerializer(serializers.ModelSerializer):
    filename = serializers.CharField(source="display_name")

    class Meta:
        model = EntryFile
        fields = [
            "id",
            "slot",
            "filename",
            "size",
            "sha256",
            "content_type",
            "status",
            "quarantine_reason",
            "width",
            "height",
            "pages",
            "confirmed_at",
        ]


class EntrySerializer(serializers.ModelSerializer):
    contest = serializers.CharField(source="contest.slug")
    track = serializers.CharField(source="contest.track")
    division = serializers.CharField(source="division.code")
    division_name = serializers.CharField(source="division.name")
    abstract = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    child = serializers.SerializerMethodField()
    consents = serializers.SerializerMethodField()
    files = FileSerializer(many=True, source="stored_files")
    editable = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "id",
            "contest",
            "track",
            "status",
            "division",
            "division_name",
            "receipt_number",
            "submitted_at",
            "seal_sha256",
            "title",
            "abstract",
            "description",
            "team_name",
            "video_url",
            "members",
            "child",
            "consents",
            "files",
            "eligibility_reason",
            "extension_until",
            "editable",
            "created_at",
            "updated_at",
        ]

    def get_abstract(self, entry) -> str | None:
        return entry.description if entry.contest.track == "S" else None

    def get_members(self, entry) -> list[dict]:
        return [
            {
                "name": m.name,
                "university": m.university,
                "department": m.department,
                "email": m.email,
                "phone": m.phone,
                "is_leader": m.is_leader,
                "is_student": m.is_student,
            }
            for m in entry.members.all()
        ]

    def get_child(self, entry) -> dict | None:
        c = entry.child
        if c is None:
            return None
        return {
            "name": c.name,
            "birth_date": c.birth_date.isoformat(),
            "school": c.school,
            "grade": c.grade,
            "relationship": c.relationship,
        }

    def get_consents(self, entry) -> dict:
        return {
            c.kind: {
                "text_version": c.text_version,
                "given_at": c.given_at.isoformat(),
                "verified": c.verified_at is not None,
            }
            for c in entry.consents.all()
        }

    def get_editable(self, entry) -> bool:
        return entry_editable_by_entrant(entry) and entry_deadline_open(entry)


class UploadRequestSerializer(serializers.Serializer):
    slot = serializers.CharField()
    filename = serializers.CharField(max_length=1000)
    content_type = serializers.CharField(max_length=200)
    size = serializers.IntegerField()


class ScreenSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class ExtensionSerializer(serializers.Serializer):
    until = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
