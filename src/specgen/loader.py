"""Load: find the spec files of a workspace and parse them into JSON-like data.

Every file becomes either a :class:`Document` or diagnostics; a broken file
never stops the others from loading. Parsing is
:func:`specgen.yamlio.make_yaml`: JSON-like data, dates as strings.

Spec files arrive in pull requests: :func:`specgen.reading.read_text` reads
one only when its real path stays inside the specs folder, and a specs folder
that is a link out of the workspace is one error, not one per file.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import ComposerError
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from specgen.cache import FileCache, digest
from specgen.charset import REFUSED, problem
from specgen.diagnostics import Diagnostic
from specgen.globs import matcher
from specgen.kinds import KIND_BY_FOLDER, PRODUCT, PRODUCT_FILE, PRODUCT_ID, Kind
from specgen.limits import Limits
from specgen.locate import Lines
from specgen.reading import byte_position, read_text
from specgen.walk import walk
from specgen.yamlio import NumberTooLarge, make_yaml, needs_pure

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


def kind_of(relative: PurePath) -> Kind | None:
    """The kind of spec a path (relative to the specs folder) holds."""
    parts = relative.parts
    if len(parts) == 1 and parts[0].lower() in (PRODUCT_FILE, PRODUCT_FILE.replace(".yaml", ".yml")):
        return PRODUCT
    if len(parts) == 2:
        return KIND_BY_FOLDER.get(parts[0])
    return None


def discover(specs_dir: Path) -> Iterator[Path]:
    """Every entry below ``specs_dir`` to read or report, sorted; hidden entries skipped.

    That is every YAML file, and every folder that would otherwise be passed
    over without a word: one named like a spec file (``FEAT-9.yaml/``) and a
    link to a folder (links to folders are not followed).
    """
    found: list[Path] = []
    for root, dirs, files in walk(specs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(
            Path(root, name) for name in dirs if name.lower().endswith(YAML_SUFFIXES) or Path(root, name).is_symlink()
        )
        found.extend(
            Path(root, name) for name in files if name.lower().endswith(YAML_SUFFIXES) and not name.startswith(".")
        )
    return iter(sorted(found))


def in_specs(path: str, prefix: str) -> PurePosixPath | None:
    """A ``/``-separated path (as git names files) relative to the specs folder ``prefix``, when it is
    a YAML file below it with no hidden part, as :func:`discover` finds files on disk; else ``None``.
    """
    relative = PurePosixPath(posixpath.relpath(path, prefix or "."))
    if relative.parts[:1] == ("..",) or any(part.startswith(".") for part in relative.parts):
        return None
    return relative if relative.name.lower().endswith(YAML_SUFFIXES) else None


#: Told how far a long stage has come: (stage, done, total).
Progress = Callable[[str, int, int], None]


def load_workspace(
    specs_dir: Path,
    workspace: Path,
    limits: Limits,
    progress: Progress | None = None,
    cache: FileCache | None = None,
    *,
    ignore: Sequence[str] = (),
) -> LoadResult:
    """Load every spec below ``specs_dir``; paths are shown relative to ``workspace``.

    With a ``cache``, a file whose text was parsed before is not parsed again.
    ``ignore`` holds globs, relative to the workspace like every path shown
    (see :mod:`specgen.globs`): YAML files they match that are not where any
    spec lives are passed over; any other such file is an error (SG108).
    A spec's own location is always read, and no glob passes over a file that
    looks like a misfiled spec (deeper inside a kind's folder, or in a folder
    named nearly like a kind's): no glob can drop a spec unseen.
    """
    bound, refused = specs_folder(specs_dir, workspace)
    if refused is not None:  # one error for the folder, not one per file in it (nor "no product")
        return LoadResult([], [refused], {PRODUCT_ID: PRODUCT})
    entries = [
        Entry(file.relative_to(specs_dir), shown_path(file, workspace), file.is_symlink() and file.is_dir())
        for file in discover(specs_dir)
    ]

    def read(entry: Entry) -> tuple[str | None, list[Diagnostic]]:
        return read_text(specs_dir / entry.relative, entry.shown, bound, limits, bound_name="the specs folder")

    return load_entries(entries, read, shown_path(specs_dir, workspace), limits, progress, cache, ignore=ignore)


@dataclass(frozen=True)
class Entry:
    """One file to load: its path inside the specs folder, the path users see, and whether it links to a folder."""

    relative: PurePath
    shown: str
    #: A link to a folder, which is never followed: one SG110, nothing read.
    folder_link: bool = False


#: Reads one entry's text, or says why it cannot be read (from disk, or from git: :mod:`specgen.diff.git`).
Read = Callable[[Entry], tuple[str | None, list[Diagnostic]]]


def load_entries(
    entries: Sequence[Entry],
    read: Read,
    specs_shown: str,
    limits: Limits,
    progress: Progress | None = None,
    cache: FileCache | None = None,
    *,
    ignore: Sequence[str] = (),
) -> LoadResult:
    """Load the files ``entries`` name, each read by ``read``; see :func:`load_workspace`.

    ``specs_shown`` is the specs folder as users see it, for hints.
    """
    documents: list[Document] = []
    diagnostics: list[Diagnostic] = []
    unreadable: dict[str, Kind] = {}
    yaml = make_yaml()
    ignored = matcher(ignore)
    for done, entry in enumerate(entries, start=1):
        if progress:
            progress("reading", done, len(entries))
        shown, relative = entry.shown, entry.relative
        if not _utf8(shown):  # a name with bytes that are no UTF-8 (the OS and git hand them over as surrogates)
            name = shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            message = "the file's name is not valid UTF-8, so it cannot be shown or linked; rename the file"
            diagnostics.append(Diagnostic.of("SG104", name, message))
            continue
        kind = kind_of(relative)
        if kind is None and ignored is not None and ignored(shown) and not _looks_like_a_spec(relative):
            continue  # other YAML the team keeps here on purpose
        if entry.folder_link:
            diagnostics.append(
                Diagnostic.of(
                    "SG110",
                    shown,
                    "a link to a folder: specgen reads only real folders inside the specs folder",
                    hint="move the specs into the folder instead of linking to them",
                )
            )
            continue
        if kind is None:
            # An error, not a warning: a misfiled spec would otherwise drop out of the site unseen.
            folder = _misfiled_folder(relative)
            diagnostics.append(
                Diagnostic.of(
                    "SG108",
                    shown,
                    "not a spec location, so this file is neither checked nor on the site; specs live in "
                    f"product.yaml or in {', '.join(sorted(f + '/' for f in KIND_BY_FOLDER))}",
                    hint=f"did you mean {folder!r}?" if folder else _ignore_hint(relative, specs_shown),
                )
            )
            guess = KIND_BY_FOLDER[folder] if folder else None
            if guess is not None and relative.stem.startswith(f"{guess.prefix}-"):
                # A spec in the wrong folder still defines its ID: references to it are not a second finding.
                unreadable[relative.stem] = guess
            continue
        text, problems = read(entry)
        doc, parse_problems = (None, []) if text is None else load_text(text, shown, kind, yaml, limits, cache)
        diagnostics.extend(problems or parse_problems)
        if doc is not None:
            documents.append(doc)
        else:
            unreadable[relative.stem] = kind
    return LoadResult(documents, diagnostics, unreadable)


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def specs_folder(specs_dir: Path, workspace: Path) -> tuple[Path, Diagnostic | None]:
    """The specs folder's real path, and why it may not be read, if it may not."""
    root = workspace.resolve()
    try:
        real = specs_dir.resolve(strict=True)
    except (OSError, RuntimeError):  # missing (or a link loop): no specs, which the rules report (no product)
        return specs_dir.absolute(), None
    shown = shown_path(specs_dir, workspace)
    if not real.is_relative_to(root):
        return real, Diagnostic.of("SG110", shown, "the specs folder is a link to a place outside the workspace")
    if ".git" in real.relative_to(root).parts:
        return real, Diagnostic.of("SG110", shown, "the specs folder is in a .git folder, which specgen never reads")
    return real, None


def shown_path(file: Path, workspace: Path) -> str:
    """A path as users see it in diagnostics: relative to the workspace, with forward slashes."""
    try:
        return file.relative_to(workspace).as_posix()
    except ValueError:
        return file.as_posix()


def _misfiled_folder(relative: PurePath) -> str | None:
    """The kind folder a file directly in a near-spelled folder (``feature/``, ``Personas/``) was meant for."""
    if len(relative.parts) != 2:
        return None
    # Closer than "did you mean" elsewhere: a folder is misfiled by a letter or by case (drafts/ is no updates/).
    folders = {folder.lower(): folder for folder in KIND_BY_FOLDER}
    close = difflib.get_close_matches(relative.parts[0].lower(), list(folders), n=1, cutoff=0.8)
    return folders[close[0]] if close else None


def _looks_like_a_spec(relative: PurePath) -> bool:
    """A misfiled spec, which no ``ignore:`` glob may hide: deeper inside a kind's folder, or in a near-spelled one.

    Nobody keeps other YAML in ``features/sub/`` or ``feature/`` on purpose;
    a folder of drafts (``drafts/FEAT-9.yaml``) is another matter, and may be ignored.
    """
    return relative.parts[0] in KIND_BY_FOLDER or _misfiled_folder(relative) is not None


def _ignore_hint(relative: PurePath, specs: str) -> str:
    """How to keep a file that is no spec: an ``ignore`` glob for its folder, or for it alone."""
    glob = f"{specs}/{relative.parts[0]}/**" if len(relative.parts) >= 2 else f"{specs}/{relative.as_posix()}"
    return f'move it where its kind lives, or, if it is no spec, add to specgen.yaml: ignore: ["{glob}"]'


def load_text(
    text: str, shown: str, kind: Kind, yaml: YAML, limits: Limits, cache: FileCache | None = None
) -> tuple[Document | None, list[Diagnostic]]:
    """Parse one file's text; problems come back as diagnostics."""
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


def parse(text: str, shown: str, yaml: YAML, limits: Limits) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """Parse YAML text into a mapping, or say precisely why it is not one."""

    def fail(code: str, message: str, line: int = 0, column: int = 0) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic.of(code, shown, message, line=line, column=column)]

    refused = REFUSED.search(text)
    if refused:
        # Checked on the raw text: parsers turn a raw U+0085 into a line break or a space.
        return _refused_character(shown, text, refused.start())
    if needs_pure(text):
        yaml = make_yaml(pure=True)
    try:
        with warnings.catch_warnings():
            # ruamel warns about legal YAML (a reused anchor); that is no finding.
            warnings.simplefilter("ignore")
            data = yaml.load(text)
    except DuplicateKeyError as error:
        return _marked(shown, text, "SG102", error, _duplicate_message(error))
    except ComposerError as error:
        if "single document" in f"{error.context} {error.problem}":
            return _marked(shown, text, "SG107", error, "a spec file holds one YAML document, found more")
        return _marked(shown, text, "SG101", error, _yaml_message(error), _yaml_hint(error, text))
    except NumberTooLarge as error:
        return _marked(shown, text, "SG206", error, str(error.problem))
    except MarkedYAMLError as error:
        return _marked(shown, text, "SG101", error, _yaml_message(error), _yaml_hint(error, text))
    except YAMLError as error:
        message = f"not valid YAML: {str(error).splitlines()[0] if str(error) else 'unreadable'}"
        index = getattr(error, "position", None)  # a ReaderError says where, without a mark
        line, column = _char_position(text, index) if isinstance(index, int) else (0, 0)
        return fail("SG101", message, line, column)
    except RecursionError:
        return fail("SG109", "the document is nested too deeply to read")
    except (TypeError, ValueError, IndexError, KeyError):  # ruamel's constructors on e.g. `!!int` or `!!bool x`
        tag = text.find("!!")
        line, column = byte_position(text.encode(), len(text[:tag].encode())) if tag >= 0 else (1, 1)
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


def _refused_character(shown: str, text: str, index: int) -> tuple[None, list[Diagnostic]]:
    message, hint = problem(text[index])
    more = len(REFUSED.findall(text)) - 1
    if more:
        message += f"; {more:,} more such character{'s follow' if more > 1 else ' follows'}"
    line, column = _char_position(text, index)
    return None, [Diagnostic.of("SG206", shown, message, line=line, column=column, hint=hint)]


def _char_position(text: str, index: int) -> tuple[int, int]:
    """The 1-based (line, column) of the character at ``index``, lines counted by LF."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _marked(
    shown: str, text: str, code: str, error: MarkedYAMLError, message: str, hint: str | None = None
) -> tuple[None, list[Diagnostic]]:
    mark = error.problem_mark or error.context_mark
    line, column = Lines(text).position(mark) if mark is not None else (0, 0)
    return None, [Diagnostic.of(code, shown, message, line=line, column=column, hint=hint)]


def _yaml_hint(error: MarkedYAMLError, text: str) -> str | None:
    """Advice for the YAML mistakes people make most."""
    mark = error.problem_mark
    lines = text.split("\n")  # not splitlines(): lines are counted by LF, as in the diagnostic
    number = Lines(text).position(mark)[0] - 1 if mark is not None else len(lines)
    line = lines[number] if number < len(lines) else ""
    if "\t" in line[: len(line) - len(line.lstrip())] or "tab" in (error.problem or ""):
        return "indent with spaces: YAML does not allow tabs for indentation"
    if "mapping values are not allowed" in (error.problem or ""):
        return "text that contains ': ' must be quoted, e.g. title: \"Plan: phase two\""
    flow = error.context_mark if "flow" in (error.context or "") else None
    if flow is not None:  # `title: [unclosed`: the parser stops lines later, where the list did not go on
        at = Lines(text).position(flow)[0] - 1
        line, mark = (lines[at] if 0 <= at < len(lines) else ""), flow
    value = _STARTS_CLOSED.match(line)
    if value and mark is not None and (flow is not None or mark.column > value.start(2)):
        # `title: [WIP] Export` or `title: "Export" orders`: YAML reads a list, a mapping or a quoted text
        # that ends before the line does.
        opened = value.group(2)[0]
        what = {"[": "a list", "{": "a mapping"}.get(opened, "a quoted text")
        return (
            f"a value that starts with {opened} is {what} to YAML; quote the whole text, "
            f"e.g. {value.group(1).strip()} '{line[value.start(2) :].strip().replace(chr(39), chr(39) * 2)}'"
        )
    return None


#: A ``key: value`` line (or a list item) whose value starts with a bracket or a quote.
_STARTS_CLOSED = re.compile(r"^(\s*(?:- )?[^\s:#][^:#]*:\s+|\s*-\s+)([\[{\"'].*)$")


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
