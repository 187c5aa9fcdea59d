"""Who may see which entry, and the reads the pages and the API share."""

import functools
import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from contests.enums import Track
from contests.models import Contest, Division
from contests.permissions import is_contest_organizer, organizes_q
from core.actors import is_system
from core.errors import NotFound, ValidationFailed
from submissions.enums import INACTIVE_STATUSES, ConsentKind, EntryStatus, FileStatus
from submissions.models import Child, Consent, Entry, EntryFile, TeamMember
from submissions.permissions import entry_deadline_open, entry_editable_by_entrant


def entries_visible_to(user, contest: Contest | None = None) -> QuerySet[Entry]:
    """An entrant sees their own entries; an organizer the entries of contests they run."""
    qs = Entry.objects.all()
    if contest is not None:
        qs = qs.filter(contest=contest)
    if is_system(user) or getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_authenticated", False):
        return Entry.objects.none()
    # A subquery, not a join: no DISTINCT over the whole list (50,000 entries a contest).
    run = Contest.objects.filter(organizes_q(user)).values("pk")
    return qs.filter(Q(owner=user) | Q(contest__in=run))


def entry_by_receipt(user, contest: Contest, receipt: str, *, field: str = "entry") -> Entry:
    """An entry of ``contest`` that ``user`` may see, named by its receipt number (an
    organizer's form or request); an unknown number is a field error, page and API alike."""
    entry = entries_visible_to(user, contest).filter(receipt_number=(receipt or "").strip()).first()
    if entry is None:
        message = _("No entry of this contest has this receipt number.")
        raise ValidationFailed(detail={field: [message]})
    return entry


SCREENING_STATUS = {  # the screening state a filter asks for → the status that holds it
    "pending": EntryStatus.SUBMITTED,
    "eligible": EntryStatus.ELIGIBLE,
    "ineligible": EntryStatus.INELIGIBLE,
}


def entries_filter(
    qs: QuerySet[Entry],
    *,
    contest: str = "",
    division: str = "",
    status: str = "",
    screening: str = "",
    duplicate: str = "",
    user=None,
) -> QuerySet[Entry]:
    """The entry list's filters, for the organizer's page and the API alike: a contest by slug,
    a division by code, a status, a screening state (``pending``: submitted, not screened yet;
    ``eligible``; ``ineligible``), ``duplicate`` ("1"): possible duplicates only (see
    ``possible_duplicate``; only in contests ``user`` organizes — an entrant filtering their
    own entries must not learn that another family entered a child of the same name and
    birthday). An empty or unknown value does not filter."""
    if contest:
        qs = qs.filter(contest__slug=contest)
    if division:
        qs = qs.filter(division__code=division)
    if status:
        qs = qs.filter(status=status)
    if screening in SCREENING_STATUS:
        qs = qs.filter(status=SCREENING_STATUS[screening])
    if duplicate.lower() in ("1", "true", "yes", "on"):
        if not (is_system(user) or getattr(user, "is_superuser", False)):
            qs = qs.filter(contest__in=Contest.objects.filter(organizes_q(user)).values("pk"))
        qs = qs.filter(possible_duplicate())
    return qs


def _same_child_elsewhere() -> QuerySet[Entry]:
    """Held entries (submitted or further, not withdrawn) of the outer entry's contest for a
    child of the same identity key, but another child row: another guardian's (or a row the
    same guardian made before keys existed, ``Child.duplicate_of``)."""
    return (
        Entry.objects.filter(
            contest_id=OuterRef("contest_id"),
            child__identity_key=OuterRef("child__identity_key"),
        )
        .exclude(child_id=OuterRef("child_id"))
        .exclude(status__in=INACTIVE_STATUSES)
    )


def possible_duplicate() -> Exists:
    """Whether a Track D entry may be the same child as another family's (DOMAIN §3: two
    parents cannot be refused safely; organizers screen them). Derived, never stale."""
    return Exists(_same_child_elsewhere())


def entry_possible_duplicates(user, entry: Entry) -> list[Entry]:
    """For the contest's organizers: the other held entries that may be the same child as
    ``entry`` (oldest first); nobody else learns of them."""
    if entry.child_id is None or not is_contest_organizer(user, entry.contest):
        return []
    key = Child.objects.filter(pk=entry.child_id).values_list("identity_key", flat=True).first()
    if not key:
        return []
    return list(
        Entry.objects.filter(contest_id=entry.contest_id, child__identity_key=key)
        .exclude(child_id=entry.child_id)
        .exclude(status__in=INACTIVE_STATUSES)
        .order_by("submitted_at", "pk")
    )


def judging_allowed_q(entry_path: str = "") -> Q:
    """Entries judges may see: Track S, or Track D with the guardian's consent in force.

    A guardian who withdraws the consent takes the drawing out of every judge's queue at once
    (DOMAIN §10 "People"). ``entry_path`` is the lookup from the queried model to the entry
    (``"entry__"`` for assignments, ``""`` for entries).
    """
    entry_pk = OuterRef(entry_path.removesuffix("__") + "_id") if entry_path else OuterRef("pk")
    guardian = Consent.objects.filter(entry_id=entry_pk, kind=ConsentKind.GUARDIAN)
    return ~Q(**{f"{entry_path}contest__track": Track.DRAWING}) | Q(Exists(guardian))


def entries_with_details(qs: QuerySet[Entry]) -> QuerySet[Entry]:
    """Everything an entry page or list row shows, in a fixed number of queries."""
    return qs.select_related("contest", "division", "child").prefetch_related(
        "members",
        Prefetch("consents", queryset=Consent.objects.order_by("kind")),  # a stable key order
        Prefetch(
            "files",
            queryset=EntryFile.objects.exclude(status=FileStatus.PENDING).order_by(
                "slot", "created_at"
            ),
            to_attr="stored_files",
        ),
    )


# What an entry list row shows, by model: the entry's own columns, then its contest, division
# and child (joined), then its members, consents and stored files (a query each per page).
_ROW_ENTRY = [
    "id", "status", "receipt_number", "submitted_at", "seal_sha256", "title", "description",
    "team_name", "video_url", "eligibility_reason", "extension_until", "created_at",
    "updated_at", "contest_id", "division_id", "child_id",
]  # fmt: skip
_ROW_CONTEST = ["slug", "track", "status", "opens_at", "closes_at"]  # status, dates: deadline
_ROW_DIVISION = ["code", "name_ko", "name_en"]
_ROW_CHILD = ["name", "birth_date", "school", "grade", "relationship"]
_ROW_MEMBER = [
    "id", "name", "university", "department", "email", "phone", "is_leader", "is_student",
    "invited_at", "confirmed_at",
]  # fmt: skip
_ROW_CONSENT = ["kind", "text_version", "given_at", "verified_at"]
_ROW_FILE = [
    "id", "slot", "display_name", "size", "sha256", "content_type", "status",
    "quarantine_reason", "width", "height", "pages", "confirmed_at",
]  # fmt: skip


def entries_for_list(qs: QuerySet[Entry]) -> QuerySet[dict]:
    """The entries of a list as plain rows (dicts) of the columns a row shows; once the page is
    cut, ``entry_rows_complete`` adds the rest.

    Rows, not model instances: on a page of 50, building each entry with its contest, division
    and child and prefetching members, consents and files as instances cost more than all the
    queries together. Who sees what is still ``entries_visible_to``, applied by the caller.
    """
    return qs.values(
        *_ROW_ENTRY,
        *(f"contest__{f}" for f in _ROW_CONTEST),
        *(f"division__{f}" for f in _ROW_DIVISION),
        *(f"child__{f}" for f in _ROW_CHILD),
    )


def entry_rows_complete(rows: list[dict]) -> list[dict]:
    """Completes a page of ``entries_for_list`` rows, in three queries for the whole page.

    Each row gets its ``members``, ``consents`` and stored ``files`` (lists of dicts, in the
    order the entry page shows them), its ``contest`` and ``division`` (model instances, one
    per contest or division on the page, so ``Division.name`` follows the language) and
    ``editable``: the entrant may still change it, by the rules of ``submissions.permissions``.
    """
    ids = [row["id"] for row in rows]
    # The model's ordering ("entry", "order") would join the entries to sort by theirs.
    members = _by_entry(TeamMember.objects.order_by("order"), ids, _ROW_MEMBER)
    consents = _by_entry(Consent.objects.order_by("kind"), ids, _ROW_CONSENT)
    stored = EntryFile.objects.exclude(status=FileStatus.PENDING).order_by("slot", "created_at")
    files = _by_entry(stored, ids, _ROW_FILE)
    contests = _related(Contest, rows, "contest", _ROW_CONTEST)
    divisions = _related(Division, rows, "division", _ROW_DIVISION)
    editable = {}  # the rule reads the contest, status and extension: rows sharing them agree
    for row in rows:
        row["contest"] = contests[row["contest_id"]]
        row["division"] = divisions[row["division_id"]]
        row["members"] = members.get(row["id"], [])
        row["consents"] = consents.get(row["id"], [])
        row["files"] = files.get(row["id"], [])
        key = (row["contest_id"], row["status"], row["extension_until"])
        if key not in editable:
            editable[key] = _editable(row)
        row["editable"] = editable[key]
    return rows


def _by_entry(qs: QuerySet, entry_ids: list, fields: list[str]) -> dict:
    grouped = {}
    for values in qs.filter(entry_id__in=entry_ids).values("entry_id", *fields):
        grouped.setdefault(values.pop("entry_id"), []).append(values)
    return grouped


def _related(model, rows: list[dict], prefix: str, fields: list[str]) -> dict:
    """One instance per contest (or division) on the page, from the row's columns."""
    by_id = {row[f"{prefix}_id"]: row for row in rows}
    return {
        pk: _loaded(model, {"id": pk, **{f: row[f"{prefix}__{f}"] for f in fields}})
        for pk, row in by_id.items()
    }


def _loaded(model, values: dict):
    """An instance as if loaded with just these columns: reading any other field costs a
    query (which the list's query-count tests would catch) rather than giving a default."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(Entry.objects.db, names, [values[name] for name in names])


def _editable(row: dict) -> bool:
    entry = _loaded(Entry, {f: row[f] for f in ("id", "status", "extension_until")})
    entry.contest = row["contest"]
    return entry_editable_by_entrant(entry) and entry_deadline_open(entry)


def entry_get_visible(user, entry_id) -> Entry:
    """One visible entry, with everything its page shows."""
    return _entry_get(entries_with_details(entries_visible_to(user)), entry_id)


def entry_get_own(user, entry_id) -> Entry:
    """The user's own entry with its contest, for the writes only the entrant makes (upload
    slots and confirmations, on the deadline's busiest path): what ``entry_get_visible`` and
    the owner check answer together — 404 for everybody else, organizers included — in a
    primary-key lookup instead of the visibility rule's OR over the organizers' contests."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    return _entry_get(Entry.objects.filter(owner=user).select_related("contest"), entry_id)


_SLOT_ENTRY = ("id", "owner_id", "contest_id", "status", "extension_until")
_SLOT_CONTEST = ("id", "track", "status", "opens_at", "closes_at")


@functools.cache
def _slot_entry_sql() -> str:
    q = connection.ops.quote_name
    columns = [f"e.{q(c)}" for c in _SLOT_ENTRY] + [f"c.{q(c)}" for c in _SLOT_CONTEST]
    entries, contests = q(Entry._meta.db_table), q(Contest._meta.db_table)
    return (
        f"SELECT {', '.join(columns)} FROM {entries} e"  # noqa: S608 (names from the models)
        f" JOIN {contests} c ON c.id = e.contest_id WHERE e.id = %s AND e.owner_id = %s"
    )


def entry_get_own_for_slot(user, entry_id) -> Entry:
    """``entry_get_own`` for an upload slot, the deadline's busiest request: one SQL read of
    just the columns the slot's rules read (owner, status, extension; the contest's track,
    status and dates), converted as the ORM converts them, instead of the ORM building the
    query each time (0.07 ms of CPU instead of 0.5). Reading any other field costs a query,
    which the slot's query-count test would catch."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    try:
        key = Entry._meta.pk.get_db_prep_value(uuid.UUID(str(entry_id)), connection)
    except ValueError as exc:  # a malformed id: unseen
        raise NotFound() from exc
    with connection.cursor() as cursor:
        cursor.execute(_slot_entry_sql(), [key, user.pk])
        row = cursor.fetchone()
    if row is None:
        raise NotFound()
    n = len(_SLOT_ENTRY)
    entry = _loaded(Entry, _converted(Entry, _SLOT_ENTRY, row[:n]))
    entry.contest = _loaded(Contest, _converted(Contest, _SLOT_CONTEST, row[n:]))
    return entry


def _converted(model, names: tuple[str, ...], values) -> dict:
    """Raw column values as the ORM would give them (UUIDs and aware datetimes on SQLite too):
    the backend's and the field's own converters, as Django's compiler applies them."""
    out = {}
    for name, value in zip(names, values, strict=True):
        field = model._meta.get_field(name)
        col = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(col) + field.get_db_converters(connection):
            value = convert(value, col, connection)
        out[field.attname] = value
    return out


def _entry_get(qs: QuerySet[Entry], entry_id) -> Entry:
    try:
        return qs.get(pk=entry_id)
    except (Entry.DoesNotExist, ValueError, DjangoValidationError) as exc:  # bad UUID: unseen
        raise NotFound() from exc


def entry_counts(contest: Contest) -> list[dict]:
    """Entries per division and status, for the organizer's overview."""
    return list(
        Entry.objects.filter(contest=contest)
        .values("division__code", "status")
        .annotate(n=Count("id"))
        .order_by("division__code", "status")
    )
