"""HTML forms for entries. They only parse; the services decide (same rules as the API)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contests.models import Contest
from core.errors import DomainError
from submissions import limits
from submissions.services.entries import ChildInput, EntryInput, MemberInput

MEMBER_ROWS = 5
MEMBER_FIELDS = ("name", "university", "department", "email", "phone")
MEMBER_LIMITS = {
    "name": limits.PERSON_NAME,
    "university": limits.UNIVERSITY,
    "department": limits.DEPARTMENT,
    "email": limits.EMAIL,
    "phone": limits.PHONE,
}


class TeamEntryForm(forms.Form):
    team_name = forms.CharField(label=_("Team name"), max_length=limits.TEAM_NAME)
    theme = forms.ChoiceField(label=_("Theme"))
    title = forms.CharField(label=_("Project title"), max_length=limits.PROJECT_TITLE)
    abstract = forms.CharField(
        label=_("Abstract"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": limits.ABSTRACT}),
        max_length=limits.ABSTRACT,
        required=False,
        help_text=_("At most 1,000 characters."),
    )
    video_url = forms.URLField(
        label=_("Video URL (optional)"), required=False, assume_scheme="https"
    )
    consent_privacy = forms.BooleanField(
        label=_("I agree to the collection and use of personal data."), required=False
    )
    consent_originality = forms.BooleanField(
        label=_("We pledge that the proposal is original and names neither team nor university."),
        required=False,
    )

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [(d.code, d.name) for d in contest.divisions.all()]
        labels = {
            "name": _("Name"),
            "university": _("University"),
            "department": _("Department"),
            "email": _("Email"),
            "phone": _("Phone"),
        }
        for i in range(MEMBER_ROWS):
            for name in MEMBER_FIELDS:
                self.fields[f"m{i}_{name}"] = forms.CharField(
                    label=labels[name],
                    required=False,
                    max_length=MEMBER_LIMITS[name],
                    widget=forms.EmailInput() if name == "email" else forms.TextInput(),
                )

    def member_rows(self):
        """[(index, [bound fields])] for the template: row 0 is the leader."""
        return [(i, [self[f"m{i}_{n}"] for n in MEMBER_FIELDS]) for i in range(MEMBER_ROWS)]

    def to_input(self) -> EntryInput:
        d = self.cleaned_data
        members = []
        for i in range(MEMBER_ROWS):
            values = {n: d.get(f"m{i}_{n}", "") for n in MEMBER_FIELDS}
            if any(v.strip() for v in values.values()):
                members.append(MemberInput(**values, is_leader=(i == 0)))
        if members and not members[0].is_leader:
            members[0].is_leader = True  # the first filled row leads
        return EntryInput(
            team_name=d["team_name"],
            theme=d["theme"],
            title=d["title"],
            description=d.get("abstract", ""),
            video_url=d.get("video_url", ""),
            members=members,
            consents={
                "privacy": d.get("consent_privacy", False),
                "originality": d.get("consent_originality", False),
            },
        )

    @classmethod
    def initial_from(cls, entry) -> dict:
        initial = {
            "team_name": entry.team_name,
            "theme": entry.division.code,
            "title": entry.title,
            "abstract": entry.description,
            "video_url": entry.video_url,
        }
        for i, m in enumerate(sorted(entry.members.all(), key=lambda m: not m.is_leader)):
            for n in MEMBER_FIELDS:
                initial[f"m{i}_{n}"] = getattr(m, n)
        kinds = {c.kind for c in entry.consents.all()}
        initial["consent_privacy"] = "privacy" in kinds
        initial["consent_originality"] = "originality" in kinds
        return initial


class DrawingEntryForm(forms.Form):
    child_name = forms.CharField(label=_("Child's name"), max_length=limits.PERSON_NAME)
    child_birth_date = forms.DateField(
        label=_("Child's birth date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The age division follows from the birth year."),
    )
    child_school = forms.CharField(
        label=_("School or kindergarten"), max_length=limits.SCHOOL, required=False
    )
    child_grade = forms.CharField(label=_("Grade"), max_length=limits.GRADE, required=False)
    relationship = forms.CharField(
        label=_("Your relationship to the child"),
        max_length=limits.RELATIONSHIP,
        required=False,
    )
    title = forms.CharField(label=_("Title of the drawing"), max_length=limits.DRAWING_TITLE)
    description = forms.CharField(
        label=_("Description"),
        max_length=limits.DRAWING_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": limits.DRAWING_DESCRIPTION}),
    )
    consent_guardian = forms.BooleanField(
        label=_(
            "As the legal guardian I consent to the collection and use of my child's personal data."
        ),
        required=False,
    )
    consent_publish_name = forms.BooleanField(
        label=_("If awarded, the child's name may be published masked (e.g. 김*수)."),
        required=False,
    )
    consent_publish_work = forms.BooleanField(
        label=_("If awarded, the drawing may be shown in the gallery."), required=False
    )

    def __init__(self, *args, contest: Contest | None = None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # the child cannot change after creation (withdraw and enter again)
            for name in (
                "child_name",
                "child_birth_date",
                "child_school",
                "child_grade",
                "relationship",
            ):
                del self.fields[name]

    def to_input(self) -> EntryInput:
        d = self.cleaned_data
        child = None
        if "child_name" in d:
            child = ChildInput(
                name=d["child_name"],
                birth_date=d["child_birth_date"],
                school=d.get("child_school", ""),
                grade=d.get("child_grade", ""),
                relationship=d.get("relationship", ""),
            )
        return EntryInput(
            title=d["title"],
            description=d.get("description", ""),
            child=child,
            consents={
                "guardian": d.get("consent_guardian", False),
                "publish_name": d.get("consent_publish_name", False),
                "publish_work": d.get("consent_publish_work", False),
            },
        )

    @classmethod
    def initial_from(cls, entry) -> dict:
        kinds = {c.kind for c in entry.consents.all()}
        return {
            "title": entry.title,
            "description": entry.description,
            "consent_guardian": "guardian" in kinds,
            "consent_publish_name": "publish_name" in kinds,
            "consent_publish_work": "publish_work" in kinds,
        }


FIELD_ALIASES = {"abstract": "abstract", "description": "description", "child": "child_name"}


def form_add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's error where the person will look: on the field, else on top."""
    placed = False
    detail = error.detail if isinstance(error.detail, dict) else {}
    for key, messages in detail.items():
        if key == "member_errors":
            for i, errs in messages.items():
                for name, msgs in errs.items():
                    if f"m{i}_{name}" in form.fields:
                        form.add_error(f"m{i}_{name}", msgs)
                        placed = True
            continue
        if key == "child" and isinstance(messages, dict):
            for name, msgs in messages.items():
                if f"child_{name}" in form.fields:
                    form.add_error(f"child_{name}", msgs)
                    placed = True
            continue
        field = (
            key if key in form.fields else f"child_{key}" if f"child_{key}" in form.fields else None
        )
        if key == "birth_date" and "child_birth_date" in form.fields:
            field = "child_birth_date"
        if field and isinstance(messages, list):
            form.add_error(field, [str(m) for m in messages])
            placed = True
    if not placed or error.code != "invalid":
        form.add_error(None, str(error.message))
