"""Entry shapes of the API (API.md "Entries"). Parsing into service inputs; no rules here."""

from django.utils import timezone
from rest_framework import serializers

from contests.enums import Track
from submissions.models import Entry, EntryFile
from submissions.permissions import entry_deadline_open, entry_editable_by_entrant
from submissions.services.entries import ChildInput, EntryInput, MemberInput

# Text lengths are the service's to check (submissions.limits), so the API and the page refuse
# with the same message; the request body's size cap (DATA_UPLOAD_MAX_MEMORY_SIZE) bounds abuse.


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    university = serializers.CharField(allow_blank=True)
    department = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    is_leader = serializers.BooleanField(default=False)
    is_student = serializers.BooleanField(default=True)


class ChildSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    birth_date = serializers.DateField()
    school = serializers.CharField(allow_blank=True, required=False, default="")
    grade = serializers.CharField(allow_blank=True, required=False, default="")
    relationship = serializers.CharField(allow_blank=True, required=False, default="")


class EntryWriteSerializer(serializers.Serializer):
    """Track S: team_name, theme, title, abstract, members, consents{privacy, originality}.
    Track D: child, title, description, consents{guardian, publish_name, publish_work}."""

    team_name = serializers.CharField(allow_blank=True, required=False)
    theme = serializers.CharField(allow_blank=True, required=False)
    title = serializers.CharField(allow_blank=True, required=False)
    abstract = serializers.CharField(allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
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
        when = serializers.DateTimeField().to_representation
        return [
            {
                "id": m.pk,
                "name": m.name,
                "university": m.university,
                "department": m.department,
                "email": m.email,
                "phone": m.phone,
                "is_leader": m.is_leader,
                "is_student": m.is_student,
                "invited_at": when(m.invited_at),
                "confirmed_at": when(m.confirmed_at),
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


def entry_rows(rows: list[dict]) -> list[dict]:
    """``EntrySerializer``'s output for a page of ``entries_for_list`` rows (completed by
    ``entry_rows_complete``), built directly.

    DRF's field-by-field walk (2,500 nested calls a page) cost more than the rest of the list
    request. tests/api/test_entry_list_shape.py holds every row equal to what the entry page
    (``EntrySerializer``) answers for the same entry.
    """
    # DRF's own datetime format, with the active time zone looked up once instead of per value
    when = serializers.DateTimeField(default_timezone=timezone.get_current_timezone())
    return [_entry_row(row, when.to_representation) for row in rows]


def _entry_row(row: dict, when) -> dict:
    contest, division = row["contest"], row["division"]
    return {
        "id": str(row["id"]),
        "contest": contest.slug,
        "track": contest.track,
        "status": row["status"],
        "division": division.code,
        "division_name": division.name,
        "receipt_number": row["receipt_number"],
        "submitted_at": when(row["submitted_at"]),
        "seal_sha256": row["seal_sha256"],
        "title": row["title"],
        "abstract": row["description"] if contest.track == Track.SMART_CITY else None,
        "description": row["description"],
        "team_name": row["team_name"],
        "video_url": row["video_url"],
        "members": [
            {
                "id": m["id"],
                "name": m["name"],
                "university": m["university"],
                "department": m["department"],
                "email": m["email"],
                "phone": m["phone"],
                "is_leader": m["is_leader"],
                "is_student": m["is_student"],
                "invited_at": when(m["invited_at"]),
                "confirmed_at": when(m["confirmed_at"]),
            }
            for m in row["members"]
        ],
        "child": _child(row),
        "consents": {
            c["kind"]: {
                "text_version": c["text_version"],
                "given_at": c["given_at"].isoformat(),
                "verified": c["verified_at"] is not None,
            }
            for c in row["consents"]
        },
        "files": [_file(f, when) for f in row["files"]],
        "eligibility_reason": row["eligibility_reason"],
        "extension_until": when(row["extension_until"]),
        "editable": row["editable"],
        "created_at": when(row["created_at"]),
        "updated_at": when(row["updated_at"]),
    }


def _child(row: dict) -> dict | None:
    if row["child_id"] is None:
        return None
    return {
        "name": row["child__name"],
        "birth_date": row["child__birth_date"].isoformat(),
        "school": row["child__school"],
        "grade": row["child__grade"],
        "relationship": row["child__relationship"],
    }


def _file(f: dict, when) -> dict:
    """``FileSerializer``'s output."""
    return {
        "id": str(f["id"]),
        "slot": f["slot"],
        "filename": f["display_name"],
        "size": f["size"],
        "sha256": f["sha256"],
        "content_type": f["content_type"],
        "status": f["status"],
        "quarantine_reason": f["quarantine_reason"],
        "width": f["width"],
        "height": f["height"],
        "pages": f["pages"],
        "confirmed_at": when(f["confirmed_at"]),
    }


class UploadRequestSerializer(serializers.Serializer):
    slot = serializers.CharField()
    filename = serializers.CharField(max_length=1000)
    content_type = serializers.CharField(max_length=200)
    size = serializers.IntegerField(max_value=2**63 - 1)  # the service checks the rest


class ScreenSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class ExtensionSerializer(serializers.Serializer):
    until = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)


class InvitationConfirmSerializer(serializers.Serializer):
    consent = serializers.BooleanField(
        help_text="agreement to the collection and use of personal data (the privacy text)"
    )


class InvitationSerializer(serializers.Serializer):
    """What an invited member sees before confirming (``member_invitation_get``)."""

    contest = serializers.CharField(source="entry.contest.slug")
    contest_title = serializers.CharField(source="entry.contest.title")
    team_name = serializers.CharField(source="entry.team_name")
    title = serializers.CharField(source="entry.title")
    leader = serializers.CharField(source="leader_name")
    member = serializers.SerializerMethodField()
    privacy = serializers.SerializerMethodField()
    confirmed_at = serializers.DateTimeField(source="member.confirmed_at", allow_null=True)

    def get_member(self, invitation) -> dict:
        m = invitation.member
        return {
            "name": m.name,
            "university": m.university,
            "department": m.department,
            "email": m.email,
            "phone": m.phone,
        }

    def get_privacy(self, invitation) -> dict:
        return {"text": invitation.privacy_text, "text_version": invitation.privacy_version}
