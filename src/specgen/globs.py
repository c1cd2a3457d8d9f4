"""Globs: the ``ignore:`` patterns of ``specgen.yaml``, matched against workspace-relative paths.

``*`` and ``?`` stay inside one folder, ``**`` as a whole segment spans any
number of folders, ``[abc]`` and ``[!abc]`` are character classes; anything
else is literal, an unclosed ``[`` or a reversed range too, so no glob is
ever an error here.

A glob arrives in a pull request, so matching must stay linear in the path
whatever the glob: a plain translation to one regular expression backtracks
catastrophically on a run of ``*`` (``specs/**********b.yaml`` against a long
name did not finish in 30 s). Here a path is matched folder by folder, ``**``
by a set of reachable positions, and inside one name each ``*`` is an atomic
group that takes the earliest match of what follows it, the translation
Python's ``fnmatch`` uses for the same reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

#: A whole segment that spans folders.
ANY_FOLDERS = "**"


class Glob:
    """One ``ignore:`` glob, ready to match paths like ``specs/drafts/x.yaml``."""

    def __init__(self, glob: str) -> None:
        segments: list[re.Pattern[str] | None] = []
        for segment in glob.split("/"):
            if segment == ANY_FOLDERS:
                if not segments or segments[-1] is not None:  # "**/**" is "**"
                    segments.append(None)
            else:
                segments.append(re.compile(segment_regex(segment), re.DOTALL))
        self.glob = glob
        self._segments = segments

    def matches(self, path: str) -> bool:
        """Whether ``path`` (folders separated by ``/``) matches the whole glob."""
        parts = path.split("/")
        reachable = {0}  # how many parts of the path the segments so far can have consumed
        for segment in self._segments:
            if segment is None:
                reachable = set(range(min(reachable), len(parts) + 1))
            else:
                reachable = {n + 1 for n in reachable if n < len(parts) and segment.fullmatch(parts[n])}
            if not reachable:
                return False
        return len(parts) in reachable


def matcher(globs: Sequence[str]) -> Callable[[str], bool] | None:
    """One test for a list of globs: does any match the path? ``None`` for no globs."""
    if not globs:
        return None
    compiled = [Glob(g) for g in globs]
    return lambda path: any(g.matches(path) for g in compiled)


def segment_regex(segment: str) -> str:
    """A regular expression for one folder or file name of a glob (no ``/`` in it), to be matched whole."""
    pieces: list[str] = [""]  # the literal stretches between runs of "*"
    i = 0
    while i < len(segment):
        c = segment[i]
        close = segment.find("]", i + 2) if c == "[" else -1
        if close > 0 and not _is_class(segment[i + 1 : close]):
            close = -1  # a reversed range such as [z-a]: literal, like an unclosed "["
        if c == "*":
            if pieces[-1] or len(pieces) == 1:
                pieces.append("")  # a run of stars is one star
        elif c == "?":
            pieces[-1] += "."
        elif close > 0:
            pieces[-1] += _class(segment[i + 1 : close])
            i = close
        else:
            pieces[-1] += re.escape(c)
        i += 1
    if len(pieces) == 1:
        return pieces[0]
    first, *middle, last = pieces
    # Each "*" before a literal stretch is atomic and lazy: it takes the earliest place the stretch
    # matches and never gives it back, which is enough for a glob and cannot backtrack.
    return first + "".join(f"(?>.*?{piece})" for piece in middle if piece) + ".*" + last


def _class(body: str) -> str:
    """The regular expression of a glob's character class, ``!`` negating it.

    Characters that start set operations in some future ``re`` (``&&``,
    ``||``, ``~~``, ``--``) are escaped, so they stay literal and Python
    prints no warning.
    """
    negate = body.startswith("!")
    chars = ""
    for ch in body[negate:]:
        if ch in "\\^[]&|~" or (ch == "-" and chars.endswith("-")):
            chars += "\\" + ch
        else:
            chars += ch
    return f"[{'^' if negate else ''}{chars}]"


def _is_class(body: str) -> bool:
    try:
        re.compile(_class(body))
    except re.error:
        return False
    return True
