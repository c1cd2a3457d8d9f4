"""Suggest: "did you mean ..." hints that are likely to be what the author meant.

A hint that names the wrong word is worse than none: ``replaced`` is not a
misspelt ``released`` (it means nearly the opposite), and ``FEAT-30`` is not a
misspelt ``FEAT-630`` (numbers are identities, not typos). So a suggestion is
made only when

* the word, without case and separators (``In-Progress``, ``target date``),
  spells a candidate; or
* a small table of words people write for a key or a value, per mapping,
  names a candidate (``date`` for a release's ``target_date``); or
* the candidate is a few letters' edit away (a fourth of the word's length at
  most, a swap of two letters counting as one), and it has the same numbers as
  the word, in the same order.

The module also says enum values in words, for sentences that use them
(``an in-progress feature``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

#: Any item of a list, in a mapping path below: :data:`specgen.kinds.EACH`, spelled here
#: because this module imports nothing of specgen (diagnostics imports it).
ANY = "*"

#: Keys people write, in any mapping, for a key that has another name here. A synonym is
#: offered only where its key is allowed: ``name`` is a persona's, a feature has a ``title``.
EVERYWHERE: dict[str, str] = {"description": "summary", "name": "title", "title": "name"}

#: The same, for one mapping: ``{(kind, mapping path): {word: key}}``; a path has ``*`` for
#: each list item. These win over :data:`EVERYWHERE`.
KEY_SYNONYMS: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {
    ("release", ()): {"date": "target_date", "due": "target_date", "due_date": "target_date", "version": "name"},
    ("evidence", ()): {"type": "kind", "link": "url", "persona": "personas"},
    ("feature", ()): {
        "state": "status",
        "depends": "depends_on",
        "dependencies": "depends_on",
        "tests": "test_cases",
        "persona": "personas",
        "objective": "objectives",
    },
    ("feature", ("requirements", ANY)): {
        "acceptance": "acceptance_criteria",
        "criteria": "acceptance_criteria",
        "type": "kind",
    },
    ("feature", ("test_cases", ANY)): {"type": "kind", "result": "last_result", "requirements": "verifies"},
    ("feature", ("test_cases", ANY, "last_result")): {"result": "status"},
    ("decision", ()): {"decision": "outcome", "owners": "deciders"},
    ("objective", ()): {"status": "health", "quarter": "period"},
    ("persona", ()): {"goals": "jobs_to_be_done", "pain_points": "pains"},
    ("update", ()): {"status": "health", "summary": "headline"},
}

#: Values people write for an allowed value: ``{(kind, path of the value): {word: value}}``.
VALUE_SYNONYMS: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {
    ("feature", ("status",)): {
        "done": "shipped",
        "complete": "shipped",
        "completed": "shipped",
        "wip": "in_progress",
        "started": "in_progress",
        "cancelled": "wont_do",
        "canceled": "wont_do",
    },
    ("release", ("status",)): {"released": "shipped", "done": "shipped", "canceled": "cancelled"},
}

_SEPARATORS = re.compile(r"[\s_-]+")
_NUMBER = re.compile(r"[0-9]+")


def did_you_mean(
    word: str, candidates: Iterable[str] | Candidates, *, synonyms: Mapping[str, str] | None = None
) -> str | None:
    """A "did you mean ...?" hint when one of ``candidates`` is likely what ``word`` meant."""
    match = closest(word, candidates, synonyms=synonyms)
    return f"did you mean {match!r}?" if match is not None else None


class Candidates:
    """Candidates prepared once for many words: each one's plain spelling and numbers, grouped by numbers.

    A workspace with thousands of IDs and many dangling references asks for a
    hint per reference against the same IDs: preparing them once, and looking
    only at those with the word's numbers and a length within the edit limit,
    keeps that cost near one pass per reference instead of one costly
    comparison per pair.
    """

    def __init__(self, candidates: Iterable[str]) -> None:
        #: Every candidate once, in its first order (ties go to the first).
        self.options: tuple[str, ...] = tuple(dict.fromkeys(candidates))
        self._by_numbers: dict[tuple[str, ...], list[tuple[int, str, str]]] = {}
        for order, candidate in enumerate(self.options):
            self._by_numbers.setdefault(_numbers(candidate), []).append((order, candidate, _plain(candidate)))

    def with_numbers(self, numbers: tuple[str, ...]) -> list[tuple[int, str, str]]:
        """``(order, candidate, plain spelling)`` of the candidates that have exactly ``numbers``."""
        return self._by_numbers.get(numbers, [])


@lru_cache(maxsize=32)  # a run asks about a few lists (IDs per kind, keys per mapping), many times each
def prepared(candidates: tuple[str, ...]) -> Candidates:
    """:class:`Candidates` for ``candidates``, made once per distinct list."""
    return Candidates(candidates)


def closest(
    word: str, candidates: Iterable[str] | Candidates, *, synonyms: Mapping[str, str] | None = None
) -> str | None:
    """The candidate ``word`` most likely meant, or ``None`` when none is likely (see the module)."""
    index = candidates if isinstance(candidates, Candidates) else prepared(tuple(candidates))
    plain = _plain(word)
    if synonyms:
        meant = {_plain(said): key for said, key in synonyms.items()}.get(plain)
        if meant is not None and meant != word and meant in index.options:
            return meant
    # FEAT-30 is not FEAT-630, nor REL-0-0 REL-v1-0: only candidates with the same numbers are looked at.
    limit = max(1, len(plain) // 4)
    tied: list[tuple[int, str]] = []
    for order, candidate, spelled in index.with_numbers(_numbers(word)):
        if candidate == word or abs(len(spelled) - len(plain)) > limit:
            continue
        distance = _distance(plain, spelled, limit)
        if distance < limit or (distance == limit and not tied):
            # Nearer than any so far: only candidates this near can still win.
            limit, tied = distance, [(order, candidate)]
        elif distance == limit:
            tied.append((order, candidate))
    return _most_alike(word, tied)


def _most_alike(word: str, tied: list[tuple[int, str]]) -> str | None:
    """Of candidates equally few edits away, the one most alike by :mod:`difflib`; the first on a tie.

    Its ratio is costly on long look-alike IDs, so it is computed only for
    these, and skipped where difflib's cheap upper bounds cannot beat the best.
    """
    if len(tied) <= 1:
        return tied[0][1] if tied else None
    best, chosen = -1.0, None
    for _, candidate in sorted(tied):
        matcher = difflib.SequenceMatcher(None, word, candidate)
        if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
            continue  # cannot be more alike; on equal, the earlier candidate stays
        ratio = matcher.ratio()
        if ratio > best:
            best, chosen = ratio, candidate
    return chosen


def _plain(word: str) -> str:
    """``word`` without case or separators: ``In-Progress`` and ``in_progress`` are one word."""
    return _SEPARATORS.sub("", word.casefold())


def _numbers(word: str) -> tuple[str, ...]:
    """The numbers in ``word``, without leading zeros (as text: :func:`int` refuses 4,300 digits)."""
    return tuple(n.lstrip("0") or "0" for n in _NUMBER.findall(word))


def _distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from ``a`` to ``b``; ``limit + 1`` when more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    # A shared start and end cost no edits (true of swaps too): look-alike IDs
    # (STK-aaaa...abc) differ in a few letters, and the table shrinks to those.
    start = _shared_start(a, b)
    a, b = a[start:], b[start:]
    end = _shared_start(a[::-1], b[::-1])
    a, b = a[: len(a) - end], b[: len(b) - end]
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            # Comparisons, not min(): this loop is most of the time a hint takes.
            cost = previous[j - 1] + (ca != cb)
            if previous[j] < cost:
                cost = previous[j] + 1
            if current[j - 1] < cost:
                cost = current[j - 1] + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and before[j - 2] < cost:
                cost = before[j - 2] + 1
            current.append(cost)
        if min(current) > limit:
            return limit + 1  # a row's smallest never shrinks further down
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def _shared_start(a: str, b: str) -> int:
    """How many first characters ``a`` and ``b`` share (halving, so that the comparing is done in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _pattern(pointer: Iterable[str | int]) -> tuple[str, ...]:
    return tuple(ANY if isinstance(part, int) else part for part in pointer)


def key_synonyms(kind: str, mapping: Iterable[str | int]) -> dict[str, str]:
    """Words people write for the keys of the mapping at ``mapping`` (a pointer) in a ``kind`` spec."""
    return {**EVERYWHERE, **KEY_SYNONYMS.get((kind, _pattern(mapping)), {})}


def value_synonyms(kind: str, value: Iterable[str | int]) -> dict[str, str]:
    """Words people write for the allowed values at ``value`` (a pointer) in a ``kind`` spec."""
    return dict(VALUE_SYNONYMS.get((kind, _pattern(value)), {}))


#: Values that do not read as words by changing ``_`` to a space.
_WORDS = {"wont_do": "won't do", "nfr": "non-functional"}


def in_words(value: object) -> str:
    """An enum value as a sentence says it: ``in_progress`` -> ``in progress``."""
    text = str(value)
    return _WORDS.get(text, text.replace("_", " "))


def adjective(value: object) -> str:
    """An enum value before a noun, with its article: ``in_progress`` -> ``an in-progress``."""
    words = in_words(value).replace(" ", "-")
    return f"{'an' if words[:1].lower() in tuple('aeiou') else 'a'} {words}"
