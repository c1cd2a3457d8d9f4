"""Word-level diffs of reworded text, as reports show them (``[-old-]{+new+}``)."""

from __future__ import annotations

import difflib

Ops = tuple[tuple[str, str], ...]

#: Word pairs the matcher may compare: past it (a 500-word text against another), the old text is shown
#: removed and the new one added, whole. Text is spec input, and a repetitive one costs the matcher hours.
_BUDGET = 250_000


def word_diff(before: str, after: str) -> Ops:
    """The words of ``before`` and ``after`` as ``("=", kept)``, ``("-", removed)``, ``("+", added)`` runs.

    Whitespace is compared as a single space, so rewrapping a paragraph is no change.
    """
    old, new = _words(before), _words(after)
    ops: list[tuple[str, str]] = []
    if len(old) * len(new) > _BUDGET:  # the matcher is worse than quadratic on repeated words: say it whole
        _add(ops, "-", old)
        _add(ops, "+", new)
        return tuple(ops)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(ops, "=", old[i1:i2])
        else:
            _add(ops, "-", old[i1:i2])
            _add(ops, "+", new[j1:j2])
    return tuple(ops)


def spoken(value: str | None) -> str:
    """An enum value as a reader says it: ``in_progress`` -> ``in progress``, ``wont_do`` -> ``won't do``;
    ``none`` when unset."""
    return value.replace("wont_do", "won't do").replace("_", " ") if value else "none"


def same_words(before: str, after: str) -> bool:
    """Whether two texts differ only in whitespace."""
    return _words(before) == _words(after)


def _words(text: str) -> list[str]:
    return str(text).split()


def _add(ops: list[tuple[str, str]], op: str, words: list[str]) -> None:
    if not words:
        return
    text = " ".join(words)
    if ops and ops[-1][0] == op:
        ops[-1] = (op, f"{ops[-1][1]} {text}")
    else:
        ops.append((op, text))
