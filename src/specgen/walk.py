"""Walking a folder tree without recursion, so no depth a pull request builds can crash it.

:func:`os.walk` and pathlib's ``**`` recurse once per folder level on
Python 3.11 and raise :class:`RecursionError` on a tree about a thousand
levels deep, which a pull request can commit. This walk keeps its own stack,
never follows a link to a folder (so a link loop costs nothing), and passes
over a folder it cannot list, as :func:`os.walk` does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

#: How deep the folders of templates and assets may nest; deeper ones are reported, not read.
MAX_DEPTH = 32


#: What a folder nested past :data:`MAX_DEPTH` is told.
TOO_DEEP = f"folders nested more than {MAX_DEPTH} deep are not read"


def bounded(report: Callable[[str], None]) -> Callable[[str, int], bool]:
    """A ``descend`` for :func:`walk` that enters folders up to :data:`MAX_DEPTH` deep and reports each deeper one."""

    def descend(path: str, depth: int) -> bool:
        if depth <= MAX_DEPTH:
            return True
        report(path)
        return False

    return descend


def walk(
    top: str | os.PathLike[str], descend: Callable[[str, int], bool] | None = None
) -> Iterator[tuple[str, list[str], list[str]]]:
    """``(folder, folder names, file names)`` for ``top`` and each folder below it, top-down, like :func:`os.walk`.

    The caller may prune the folder names it is given, as with :func:`os.walk`.
    Links to folders are listed with the folders but never entered.
    ``descend(path, depth)`` (depth 1 for ``top``'s own folders) may refuse a
    folder before it is listed.
    """
    stack: list[tuple[str, int]] = [(os.fspath(top), 0)]
    while stack:
        root, depth = stack.pop()
        dirs: list[str] = []
        files: list[str] = []
        links: set[str] = set()
        try:
            with os.scandir(root) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else files).append(entry.name)
                    if is_dir and entry.is_symlink():
                        links.add(entry.name)
        except OSError:
            continue
        yield root, dirs, files
        for name in reversed(dirs):
            path = root + os.sep + name
            if name not in links and (descend is None or descend(path, depth + 1)):
                stack.append((path, depth + 1))
