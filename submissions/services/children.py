"""A guardian corrects the child's details on a drawing entry (a typo in the name, the wrong
birth date, the school) until the deadline, keeping "one drawing per child per contest".

The child is who the name and birth date say (``submissions.text.child_identity_key``). A
correction that names another child of the guardian's who already has a drawing in the
contest is refused (``already_entered``, pointing at that entry), exactly as entering it anew
would be; a birth year outside every division is refused (``ineligible_age``) and the age
division follows the corrected birth year. The change is audited.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contests.phases import Action
from core.audit import audit_record
from core.errors import NotFound, ValidationFailed
from submissions import limits
from submissions.enums import ENTRANT_EDITABLE, INACTIVE_STATUSES
from submissions.errors import AlreadyEntered, EntryLocked
from submissions.models import Child, Entry
from submissions.permissions import entry_deadline_require, is_entry_owner
from submissions.services.entries import ChildInput, division_for_birth_date
from submissions.text import child_identity_key, text_clean

CHILD_LIMITS = {
    "name": limits.PERSON_NAME,
    "school": limits.SCHOOL,
    "grade": limits.GRADE,
    "relationship": limits.RELATIONSHIP,
}


def _clean(child: ChildInput) -> ChildInput:
    errors: dict = {}
    values = {}
    for name, limit in CHILD_LIMITS.items():
        value = text_clean(getattr(child, name) or "")
        if name == "name" and not value:
            errors[name] = [_("This field is required.")]
        elif len(value) > limit:
            errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
        values[name] = value
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), detail={"child": errors})
    return ChildInput(birth_date=child.birth_date, **values)


def _snapshot(child: Child) -> dict:
    return {
        "name": child.name,
        "birth_date": child.birth_date.isoformat(),
        "school": child.school,
        "grade": child.grade,
    }


@transaction.atomic
def entry_child_correct(*, user, entry: Entry, child: ChildInput) -> Entry:
    """Correct the child of one's drawing entry, until the deadline (also after submitting)."""
    entry = (
        Entry.objects.select_for_update(of=("self",))  # PostgreSQL locks no nullable join
        .select_related("contest", "child", "division")
        .get(pk=entry.pk)
    )
    if not is_entry_owner(user, entry) or entry.child_id is None:
        raise NotFound()
    entry_deadline_require(entry, Action.ENTRY_EDIT)
    if entry.status not in ENTRANT_EDITABLE:
        raise EntryLocked()
    data = _clean(child)
    division = division_for_birth_date(entry.contest, data.birth_date)
    key = child_identity_key(data.name, data.birth_date)
    held = (
        Entry.objects.filter(contest=entry.contest, owner=user, child__identity_key=key)
        .exclude(status__in=INACTIVE_STATUSES)
        .exclude(pk=entry.pk)
        .order_by("submitted_at", "pk")
        .first()
    )
    if held is not None:
        raise AlreadyEntered(detail={"entry_id": str(held.pk)})
    old = entry.child
    before = _snapshot(old)
    details = {"school": data.school, "grade": data.grade, "relationship": data.relationship}
    if key == old.identity_key:
        target = old
        target.name = data.name  # the same child, spelled as the guardian prefers
    else:
        target = Child.objects.filter(guardian=user, identity_key=key, duplicate_of=None).first()
        shared = Entry.objects.filter(child=old).exclude(pk=entry.pk).exists()
        if target is None and not shared:  # a typo: the row itself is corrected
            target = old
            target.name, target.birth_date, target.identity_key = (
                data.name,
                data.birth_date,
                key,
            )
        elif target is None:  # the old row stays with the child's other entries
            target = Child(guardian=user, name=data.name, birth_date=data.birth_date)
            target.identity_key = key
    for name, value in details.items():
        setattr(target, name, value)
    try:
        with transaction.atomic():
            target.save()
            entry.child = target
            entry.division = division
            entry.save(update_fields=["child", "division", "updated_at"])
    except IntegrityError as exc:  # a simultaneous entry took the child's place
        raise AlreadyEntered() from exc
    audit_record(
        actor=user,
        action="entry.child_correct",
        target=entry,
        contest=entry.contest,
        before=before,
        after=_snapshot(target),
    )
    return entry
