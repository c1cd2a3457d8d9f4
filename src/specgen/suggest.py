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


def did_you_mean(word: str, candidates: Iterable[str], *, synonyms: Mapping[str, str] | None = None) -> str | None:
    """A "did you mean ...?" hint when one of ``candidates`` is likely what ``word`` meant."""
    match = closest(word, candidates, synonyms=synonyms)
    return f"did you mean {match!r}?" if match is not None else None


def closest(word: str, candidates: Iterable[str], *, synonyms: Mapping[str, str] | None = None) -> str | None:
    """The candidate ``word`` most likely meant, or ``None`` when none is likely (see the module)."""
    options = [c for c in dict.fromkeys(candidates) if c != word]
    if not options:
        return None
    plain = _plain(word)
    if synonyms:
        meant = {_plain(said): key for said, key in synonyms.items()}.get(plain)
        if meant is not None and meant in options:
            return meant
    numbers = _numbers(word)
    limit = max(1, len(plain) // 4)
    best: tuple[int, float, int] | None = None
    chosen = None
    for order, candidate in enumerate(options):
        if _numbers(candidate) != numbers:
            continue  # FEAT-30 is not FEAT-630, nor REL-0-0 REL-v1-0
        distance = _distance(plain, _plain(candidate), limit)
        if distance > limit:
            continue
        score = (distance, -difflib.SequenceMatcher(None, word, candidate).ratio(), order)
        if best is None or score < best:
            best, chosen = score, candidate
    return chosen


def _plain(word: str) -> str:
    """``word`` without case or separators: ``In-Progress`` and ``in_progress`` are one word."""
    return _SEPARATORS.sub("", word.casefold())


def _numbers(word: str) -> list[int]:
    return [int(n) for n in _NUMBER.findall(word)]


def _distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from ``a`` to ``b``; ``limit + 1`` when more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


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
