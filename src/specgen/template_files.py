"""Template files: which files of a workspace's ``templates/`` folder may be read at all.

Templates arrive in pull requests, and CI builds them with secrets around.
A template that is a link to ``/proc/self/environ``, to ``.git/config`` (where
``actions/checkout`` keeps the job's token) or to a ``.env`` file elsewhere in
the workspace would publish that file on the site. So a template is read only
when its real path (after every link) is a regular file inside the real
templates folder, and that folder's real path lies inside the workspace and
outside ``.git/``.

:func:`template_problems` reports every file that breaks the rule (``specgen
check`` runs it, so CI fails before anything renders);
:class:`ContainedLoader` enforces it again when Jinja reads a template, so a
file swapped in between check and render is refused too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, TemplateError, TemplateNotFound
from jinja2.loaders import split_template_path

from specgen.diagnostics import Diagnostic
from specgen.limits import Limits
from specgen.reading import read_text
from specgen.walk import TOO_DEEP, bounded, walk

#: Folders whose files no template may ever be: git's own (credentials, hooks).
_FORBIDDEN_PARTS = frozenset({".git"})


class UnsafeTemplate(TemplateError):
    """A template file that may not be read: a link out of its folder, or not a regular file."""


def folder_problem(folder: Path, workspace: Path) -> str | None:
    """Why the templates folder itself may not be used, or ``None``."""
    try:
        real, root = folder.resolve(), workspace.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a link loop, on Python 3.11
        return "the templates folder is a broken link or a link loop"
    if not real.is_relative_to(root):
        return "the templates folder is a link to a place outside the workspace"
    if _FORBIDDEN_PARTS.intersection(real.relative_to(root).parts):
        return "the templates folder is inside .git/"
    return None


def file_problem(path: Path, real_folder: Path, max_bytes: int) -> str | None:
    """Why one file below the templates folder may not be read, or ``None``."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, on Python 3.11
        return "the file is a broken link or a link loop"
    if not real.is_relative_to(real_folder):
        return "the file is a link to a place outside the templates folder"
    if _FORBIDDEN_PARTS.intersection(real.relative_to(real_folder).parts):
        return "the file is inside .git/"
    if not real.is_file():
        return "not a regular file"
    size = real.stat().st_size
    if size > max_bytes:
        return f"the template has {size:,} bytes; the limit is {max_bytes:,}"
    return None


def template_problems(folder: Path, workspace: Path, max_bytes: int) -> list[Diagnostic]:
    """An SG110 error for the folder or for every file in it that may not be read."""

    def shown(path: Path) -> str:
        try:
            return path.relative_to(workspace).as_posix()
        except ValueError:
            return path.as_posix()

    if not os.path.lexists(folder):
        return []
    problem = folder_problem(folder, workspace)
    if problem:
        return [Diagnostic.of("SG110", shown(folder), problem)]
    if not folder.is_dir():
        return [Diagnostic.of("SG110", shown(folder), "the templates folder is not a folder")]
    real_folder = folder.resolve()
    found: list[Diagnostic] = []

    descend = bounded(lambda path: found.append(Diagnostic.of("SG110", shown(Path(path)), TOO_DEEP)))
    for root, dirs, files in walk(folder, descend):  # links to folders are listed, not followed
        for name in sorted([*dirs, *files]):
            path = Path(root, name)
            if path.is_dir() and not path.is_symlink():
                continue
            problem = file_problem(path, real_folder, max_bytes)
            if problem and not (path.is_dir() and problem == "not a regular file"):
                found.append(Diagnostic.of("SG110", shown(path), problem))
    return found


class ContainedLoader(FileSystemLoader):
    """Jinja's file loader, reading only files that :func:`file_problem` allows.

    A refused file raises :class:`UnsafeTemplate` rather than "not found", so
    that a hostile link is reported instead of silently falling back to the
    packaged template of the same name.
    """

    def __init__(self, folder: Path, max_bytes: int) -> None:
        super().__init__(str(folder))
        self.folder = folder
        self.real_folder = folder.resolve()
        self.max_bytes = max_bytes

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder.joinpath(*split_template_path(template))  # refuses '..'
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        problem = file_problem(path, self.real_folder, self.max_bytes)
        if problem:
            raise UnsafeTemplate(f"templates/{template}: {problem}")
        # Read as specs are read: checked again on the opened file, so a link swapped in since is refused too.
        text, problems = read_text(
            path, f"templates/{template}", self.real_folder, Limits(max_file_bytes=self.max_bytes)
        )
        if text is None:
            raise UnsafeTemplate(f"templates/{template}: {problems[0].message}")
        return text, str(path), lambda: False
