"""Load: find the spec files of a workspace and parse them into JSON-like data.

Every file becomes either a :class:`Document` or diagnostics; a broken file
never stops the others from loading. Parsing is
:func:`specgen.yamlio.make_yaml`: JSON-like data, dates as strings.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import ComposerError
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from specgen.cache import FileCache, digest
from specgen.diagnostics import Diagnostic, did_you_mean
from specgen.kinds import KIND_BY_FOLDER, PRODUCT, PRODUCT_FILE, Kind
from specgen.limits import Limits
from specgen.yamlio import make_yaml, may_nest_deeply

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Document:
    """One parsed spec file."""

    #: Path shown to users: relative to the workspace, with forward slashes.
    path: str
    kind: Kind
    data: dict[str, Any]
    #: The text as read, kept so that locations are resolved against exactly
    #: the bytes that were checked.
    text: str
    #: A digest of kind and text: the key of this file's cached results.
    digest: str

    @property
    def stem(self) -> str:
        return Path(self.path).stem


@dataclass(frozen=True)
class LoadResult:
    documents: list[Document]
    diagnostics: list[Diagnostic]
    #: Files of a known kind that could not be read, by file stem: their IDs
    #: still count as defined, so one broken file does not turn every
    #: reference to it into a second, misleading error.
    unreadable: dict[str, Kind]

    @property
    def files(self) -> int:
        """Spec files read: the loaded ones and the broken ones."""
        return len(self.documents) + len(self.unreadable)


def kind_of(relative: Path) -> Kind | None:
    """The kind of spec a path (relative to the specs folder) holds."""
    parts = relative.parts
    if len(parts) == 1 and parts[0].lower() in (PRODUCT_FILE, PRODUCT_FILE.replace(".yaml", ".yml")):
        return PRODUCT
    if len(parts) == 2:
        return KIND_BY_FOLDER.get(parts[0])
    return None


def discover(specs_dir: Path) -> Iterator[Path]:
    """Every YAML file below ``specs_dir``, sorted, hidden entries skipped."""
    found: list[Path] = []
    for root, dirs, files in os.walk(specs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(
            Path(root, name) for name in files if name.lower().endswith(YAML_SUFFIXES) and not name.startswith(".")
        )
    return iter(sorted(found))


#: Told how far a long stage has come: (stage, done, total).
Progress = Callable[[str, int, int], None]


def load_workspace(
    specs_dir: Path,
    workspace: Path,
    limits: Limits,
    progress: Progress | None = None,
    cache: FileCache | None = None,
) -> LoadResult:
    """Load every spec below ``specs_dir``; paths are shown relative to ``workspace``.

    With a ``cache``, a file whose text was parsed before is not parsed again.
    """
    documents: list[Document] = []
    diagnostics: list[Diagnostic] = []
    unreadable: dict[str, Kind] = {}
    yaml = make_yaml()
    root = workspace.resolve()
    files = list(discover(specs_dir))
    for done, file in enumerate(files, start=1):
        if progress:
            progress("reading", done, len(files))
        shown = shown_path(file, workspace)
        kind = kind_of(file.relative_to(specs_dir))
        if kind is None:
            diagnostics.append(
                Diagnostic.of(
                    "SG108",
                    shown,
                    "not a spec location; specs live in product.yaml or in "
                    f"{', '.join(sorted(f + '/' for f in KIND_BY_FOLDER))}",
                    hint=_folder_hint(file.relative_to(specs_dir)),
                )
            )
            continue
        doc, problems = load_file(file, shown, kind, yaml, root, limits, cache)
        diagnostics.extend(problems)
        if doc is not None:
            documents.append(doc)
        else:
            unreadable[file.stem] = kind
    return LoadResult(documents, diagnostics, unreadable)


def shown_path(file: Path, workspace: Path) -> str:
    """A path as users see it in diagnostics: relative to the workspace, with forward slashes."""
    try:
        return file.relative_to(workspace).as_posix()
    except ValueError:
        return file.as_posix()


def _folder_hint(relative: Path) -> str | None:
    if len(relative.parts) >= 2:
        return did_you_mean(relative.parts[0], KIND_BY_FOLDER)
    return None


def load_file(
    file: Path, shown: str, kind: Kind, yaml: YAML, workspace: Path, limits: Limits, cache: FileCache | None = None
) -> tuple[Document | None, list[Diagnostic]]:
    """Read and parse one file; problems come back as diagnostics. ``workspace`` is resolved."""
    text, problems = read_text(file, shown, workspace, limits)
    if text is None:
        return None, problems
    key = digest(kind.name, text)
    parsed = cache.parsed(shown, key) if cache else None
    if parsed is None:
        parsed = parse(text, shown, yaml, limits)
        if cache:
            cache.store_parsed(shown, key, parsed)
    data, problems = parsed
    if data is None:
        return None, problems
    return Document(shown, kind, data, text, key), []


def read_text(file: Path, shown: str, workspace: Path, limits: Limits) -> tuple[str | None, list[Diagnostic]]:
    """The text of a file inside the (resolved) workspace, or why it cannot be read."""

    def fail(code: str, message: str, line: int = 0, column: int = 0) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic.of(code, shown, message, line=line, column=column)]

    try:
        real = file.resolve(strict=True)
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop, on Python 3.11
        return fail("SG110", f"cannot read the file: {getattr(error, 'strerror', None) or error}")
    if not real.is_relative_to(workspace):
        return fail("SG110", "the file is a link to a place outside the workspace")
    if not real.is_file():
        return fail("SG110", "not a regular file")
    try:
        size = real.stat().st_size
        if size > limits.max_file_bytes:
            return fail(
                "SG106",
                f"the file has {size:,} bytes; the limit is {limits.max_file_bytes:,} "
                "(set limits.max_file_bytes to change it)",
            )
        raw = real.read_bytes()
    except OSError as error:
        return fail("SG110", f"cannot read the file: {error.strerror or error}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        return fail("SG104", f"byte 0x{raw[error.start]:02x} is not valid UTF-8; save the file as UTF-8", line, column)
    if "\x00" in text:
        return fail("SG104", "the file holds NUL bytes: it looks binary, not text")
    return text, []


def parse(text: str, shown: str, yaml: YAML, limits: Limits) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """Parse YAML text into a mapping, or say precisely why it is not one."""

    def fail(code: str, message: str, line: int = 0, column: int = 0) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic.of(code, shown, message, line=line, column=column)]

    if may_nest_deeply(text):
        yaml = make_yaml(pure=True)
    try:
        with warnings.catch_warnings():
            # ruamel warns about legal YAML (a reused anchor); that is no finding.
            warnings.simplefilter("ignore")
            data = yaml.load(text)
    except DuplicateKeyError as error:
        return _marked(shown, "SG102", error, _duplicate_message(error))
    except ComposerError as error:
        if "single document" in f"{error.context} {error.problem}":
            return _marked(shown, "SG107", error, "a spec file holds one YAML document, found more")
        return _marked(shown, "SG101", error, _yaml_message(error), _yaml_hint(error, text))
    except MarkedYAMLError as error:
        return _marked(shown, "SG101", error, _yaml_message(error), _yaml_hint(error, text))
    except YAMLError as error:
        return fail("SG101", f"not valid YAML: {str(error).splitlines()[0] if str(error) else 'unreadable'}")
    except RecursionError:
        return fail("SG109", "the document is nested too deeply to read")
    except (TypeError, ValueError, IndexError, KeyError):  # ruamel's constructors on e.g. `!!int` or `!!bool x`
        tag = text.find("!!")
        line, column = _position(text.encode(), len(text[:tag].encode())) if tag >= 0 else (1, 1)
        return fail("SG101", "a value does not fit its YAML type tag (such as !!int or !!bool)", line, column)

    if data is None:
        what = "holds only comments" if text.strip() else "is empty"
        return fail("SG103", f"the file {what}; a spec needs at least its required keys")
    if not isinstance(data, dict):
        return fail(
            "SG105",
            f"a spec is a mapping of keys to values, but this file holds a {_type_name(data)}",
            1,
            1,
        )
    problem = limits.check_shape(data)
    if problem:
        return fail("SG109", problem, 1, 1)
    return data, []


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def _marked(
    shown: str, code: str, error: MarkedYAMLError, message: str, hint: str | None = None
) -> tuple[None, list[Diagnostic]]:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    return None, [Diagnostic.of(code, shown, message, line=line, column=column, hint=hint)]


def _yaml_hint(error: MarkedYAMLError, text: str) -> str | None:
    """Advice for the YAML mistakes people make most."""
    mark = error.problem_mark
    lines = text.splitlines()
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if "\t" in line[: len(line) - len(line.lstrip())] or "tab" in (error.problem or ""):
        return "indent with spaces: YAML does not allow tabs for indentation"
    if "mapping values are not allowed" in (error.problem or ""):
        return "text that contains ': ' must be quoted, e.g. title: \"Plan: phase two\""
    return None


def _yaml_message(error: MarkedYAMLError) -> str:
    if "duplicate anchor" in (error.context or ""):
        first = error.context_mark
        return "an anchor (&name) is defined twice" + (f"; first on line {first.line + 1}" if first else "")
    problem = (error.problem or "invalid YAML").strip()
    if error.context:
        context = error.context.strip()
        start, end = error.context_mark, error.problem_mark
        if start is not None and end is not None and start.line != end.line:
            context += f" that starts on line {start.line + 1}"
        problem = f"{problem} ({context})"
    return problem


def _duplicate_message(error: DuplicateKeyError) -> str:
    problem = (error.problem or "").strip()
    # ruamel says: found duplicate key "a" with value "2" (original value: "1")
    key = problem.split('"')[1] if problem.count('"') >= 2 else "?"
    return f"duplicate key {key!r}: each key may appear once in a mapping"


def _type_name(value: object) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )
