"""Globs: the ``ignore:`` patterns of ``specgen.yaml``, as regular expressions over workspace-relative paths."""

from __future__ import annotations

import re


def glob_regex(glob: str) -> str:
    """A regular expression for a path glob, matched against workspace-relative paths like ``specs/drafts/x.yaml``.

    ``*`` and ``?`` stay inside one folder, ``**`` as a whole segment spans any
    number of folders, ``[abc]`` and ``[!abc]`` are character classes; anything
    else is literal, an unclosed ``[`` too, so no glob is ever an error here.
    """
    segments = glob.split("/")
    out: list[str] = []
    for n, segment in enumerate(segments):
        last = n == len(segments) - 1
        if segment == "**":
            out.append(".*" if last else "(?:[^/]*/)*")
            continue
        i = 0
        while i < len(segment):
            c = segment[i]
            close = segment.find("]", i + 2) if c == "[" else -1
            if close > 0 and not _is_class(segment[i + 1 : close]):
                close = -1  # a reversed range such as [z-a]: literal, like an unclosed "["
            if c == "*":
                out.append("[^/]*")
            elif c == "?":
                out.append("[^/]")
            elif close > 0:
                out.append(_class(segment[i + 1 : close]))
                i = close
            else:
                out.append(re.escape(c))
            i += 1
        if not last:
            out.append("/")
    return "".join(out)


def _class(body: str) -> str:
    """The regular expression of a glob's character class, ``!`` negating it (never matching ``/``)."""
    negate = body.startswith("!")
    chars = "".join("\\" + ch if ch in "\\^[]" else ch for ch in body[negate:])
    return f"[{'^/' if negate else ''}{chars}]"


def _is_class(body: str) -> bool:
    try:
        re.compile(_class(body))
    except re.error:
        return False
    return True
