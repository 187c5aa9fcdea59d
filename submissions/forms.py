"""HTML forms for entries. They only parse; the services decide (same rules as the API)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contests.models import Contest
from core.errors import DomainError
from core.http import MACHINE_WORD, error_text
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


def _no_silent_cut(form: forms.Form, name: str) -> None:
    """A long text keeps no ``maxlength`` attribute (Django adds one from ``max_length``): the
    browser would cut a pasted text without a word. The live counter says what is over and
    the server refuses it."""
    form.fields[name].widget.attrs.pop("maxlength", None)


class TeamEntryForm(forms.Form):
    team_name = forms.CharField(label=_("Team name"), max_length=limits.TEAM_NAME)
    theme = forms.ChoiceField(label=_("Theme"))
    title = forms.CharField(label=_("Project title"), max_length=limits.PROJECT_TITLE)
    abstract = forms.CharField(
        label=_("Abstract"),
        # no maxlength attribute: the browser would cut a pasted text silently; the live
        # counter (static/js/forms.js) says how much is left and the server refuses the rest
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "data-limit": limits.ABSTRACT,
                "aria-describedby": "id_abstract-count id_abstract_helptext",
            }
        ),
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
        _no_silent_cut(self, "abstract")
        self.fields["theme"].choices = [("", _("Choose a theme"))] + [
            (d.code, d.name) for d in contest.divisions.all()
        ]
        labels = {
            "name": _("Name"),
            "university": _("University"),
            "department": _("Department"),
            "email": _("Email"),
            "phone": _("Phone"),
        }
        autocomplete = {"name": "name", "email": "email", "phone": "tel"}
        low = limits.TEAM_SIZE[0]
        for i in range(MEMBER_ROWS):
            row = _("Leader") if i == 0 else _("Member %(n)s") % {"n": i}
            for name in MEMBER_FIELDS:
                attrs = {}
                if i == 0 and name in autocomplete:
                    attrs["autocomplete"] = autocomplete[name]
                field = forms.CharField(
                    label=labels[name],
                    required=False,
                    max_length=MEMBER_LIMITS[name],
                    widget=forms.EmailInput(attrs) if name == "email" else forms.TextInput(attrs),
                )
                # A filled row needs all five fields, and a team at least ``low`` rows: the
                # first rows are starred as required; the error summary names the row.
                field.star = i < low
                field.summary_label = f"{row} · {labels[name]}"
                self.fields[f"m{i}_{name}"] = field

    def member_rows(self):
        """[(index, [bound fields], errors)] for the template: row 0 is the leader."""
        rows = []
        for i in range(MEMBER_ROWS):
            fields = [self[f"m{i}_{n}"] for n in MEMBER_FIELDS]
            rows.append((i, fields, any(f.errors for f in fields)))
        return rows

    @staticmethod
    def leader_initial(user) -> dict:
        """The leader's row from the account (the leader is the account that enters)."""
        return {
            "m0_name": user.name,
            "m0_email": user.email,
            "m0_phone": user.phone,
            "m0_university": user.affiliation,
        }

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
    # What a correction after creation may change: the rest is the entry's own.
    CHILD_FIELDS = ("child_name", "child_birth_date", "child_school", "child_grade", "relationship")
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
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "data-limit": limits.DRAWING_DESCRIPTION,
                "aria-describedby": "id_description-count",
            }
        ),
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
        _no_silent_cut(self, "description")
        if contest is not None:
            years = ", ".join(
                f"{d.name} {d.birth_year_min}–{d.birth_year_max}"
                for d in sorted(contest.divisions.all(), key=lambda d: -(d.birth_year_max or 0))
                if d.birth_year_min is not None
            )
            if years:
                self.fields["child_birth_date"].help_text = _(
                    "The age division follows from the birth year: %(years)s."
                ) % {"years": years}

    def child_changed(self, entry) -> bool:
        """Whether the child's details differ from the entry's (then they are corrected)."""
        d, child = self.cleaned_data, entry.child
        return child is not None and (
            d["child_name"] != child.name
            or d["child_birth_date"] != child.birth_date
            or d.get("child_school", "") != child.school
            or d.get("child_grade", "") != child.grade
            or d.get("relationship", "") != child.relationship
        )

    def child_input(self) -> ChildInput:
        d = self.cleaned_data
        return ChildInput(
            name=d["child_name"],
            birth_date=d["child_birth_date"],
            school=d.get("child_school", ""),
            grade=d.get("child_grade", ""),
            relationship=d.get("relationship", ""),
        )

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
        child = entry.child
        return {
            "child_name": child.name if child else "",
            "child_birth_date": child.birth_date if child else None,
            "child_school": child.school if child else "",
            "child_grade": child.grade if child else "",
            "relationship": child.relationship if child else "",
            "title": entry.title,
            "description": entry.description,
            "consent_guardian": "guardian" in kinds,
            "consent_publish_name": "publish_name" in kinds,
            "consent_publish_work": "publish_work" in kinds,
        }


def _first_empty_row(form: forms.Form) -> str | None:
    """The name field of the team form's first empty member row (None when every row is
    filled): a rule about the team's size is marked where the next person would go."""
    data = getattr(form, "cleaned_data", {})
    for i in range(1, MEMBER_ROWS):
        if not any((data.get(f"m{i}_{n}") or "").strip() for n in MEMBER_FIELDS):
            return f"m{i}_name"
    return None


FIELD_ALIASES = {"abstract": "abstract", "description": "description", "child": "child_name"}


def form_add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's error where the person will look: on the field, else on top (a rule
    about no single field, such as the team's size, is said on top in its own words)."""
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
        if key == "members" and "m0_name" in form.fields:
            field = _first_empty_row(form)  # "a team is 2 to 5 people": where to add one
        if not isinstance(messages, list):
            continue  # ids for clients (``entry_id``): the page links them
        words = [str(m) for m in messages if not MACHINE_WORD.fullmatch(str(m))]
        if field and words:
            form.add_error(field, words)
            placed = True
        elif words:  # a rule about the whole form: said on top, in words
            form.add_error(None, words)
            placed = True
    if not placed:
        form.add_error(None, error_text(error))


class EntrantMessageForm(forms.Form):
    """An organizer's message: to every entrant, or to one entry (its receipt number, or its
    id from the entry's page)."""

    receipt = forms.CharField(
        label=_("To"),
        required=False,
        max_length=32,
        help_text=_("A receipt number (e.g. WSCE21-D-00001), or empty for every entrant."),
    )
    entry = forms.UUIDField(required=False, widget=forms.HiddenInput)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(
            attrs={"rows": 6, "data-limit": 5000, "aria-describedby": "id_body-count"}
        ),
    )
