"""Which of a round's entries one judge may not be paired with, fast enough to ask on every
request for a pair at 50,000 entries.

The rule is :func:`judging.selectors.conflict_pairs` (automatic: the judge's affiliation or a
declared institution equals an entrant's university or the child's school, compared by
:func:`judging.selectors.institution_normalise`; declared for an entry; recusals), answered for
one judge from an index built once per round and pool — normalised institution → entries — and
kept in the cache, instead of walking every entry for every request.
``tests/judging/test_pairwise_service.py`` holds the two to the same answers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

from django.core.cache import cache

from contests.enums import Track
from contests.models import Round
from judging.models import Conflict
from judging.selectors import institution_normalise, round_entries
from submissions.models import TeamMember

CACHE_SECONDS = 3600


def _index_key(rnd: Round, entry_ids: Collection[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(entry_ids)).encode()).hexdigest()
    return f"gongmo:pairwise-institutions:{rnd.pk}:{digest}"


def institutions_index(rnd: Round, entry_ids: Collection[str]) -> dict[str, list[str]]:
    """Normalised institution → ids of the round's entries (of ``entry_ids``) whose entrant
    belongs to it: team members' universities (Track S), the child's school (Track D)."""
    key = _index_key(rnd, entry_ids)
    index = cache.get(key)
    if index is not None:
        return index
    wanted = set(entry_ids)
    if rnd.contest.track == Track.SMART_CITY:
        rows = TeamMember.objects.filter(entry__in=round_entries(rnd).values("pk")).values_list(
            "entry_id", "university"
        )
    else:
        rows = round_entries(rnd).values_list("pk", "child__school")
    index = {}
    for entry_id, name in rows:
        entry_id = str(entry_id)
        normal = institution_normalise(name or "")
        if entry_id in wanted and normal:
            index.setdefault(normal, []).append(entry_id)
    cache.set(key, index, CACHE_SECONDS)
    return index


def judge_blocked_entries(
    rnd: Round, judge, entry_ids: Collection[str], index: dict[str, list[str]] | None = None
) -> set[str]:
    """Of ``entry_ids`` (the round's), those ``judge`` may never see: as ``conflict_pairs``.
    ``index``: :func:`institutions_index` of the same ids, when the caller keeps one."""
    wanted = entry_ids if isinstance(entry_ids, set | frozenset) else set(entry_ids)
    blocked: set[str] = set()
    own = {institution_normalise(getattr(judge, "affiliation", "") or "")} - {""}
    for entry_id, institution in Conflict.objects.filter(
        contest_id=rnd.contest_id, judge=judge
    ).values_list("entry_id", "institution"):
        if entry_id is not None:
            if str(entry_id) in wanted:
                blocked.add(str(entry_id))
        else:
            own.add(institution_normalise(institution))
    if own:
        index = institutions_index(rnd, entry_ids) if index is None else index
        for name in own:
            blocked.update(index.get(name, ()))
    return blocked
