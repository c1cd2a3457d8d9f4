"""Assets: a workspace's logo, favicon, stylesheets and fonts, checked before they reach the site.

The ``assets/`` folder arrives in pull requests like everything else, so its
files are read under the rules specs are read under: a file's real path (after
symlinks) must stay inside the assets folder, each file and all of them
together are bounded in size, and only an allowlist of file types is copied,
each checked against its content. The bytes that were checked are the bytes
that are written: nothing is read twice.

SVG is refused: an SVG file can hold script, which runs in the site's origin
when a reader opens the file itself. Stylesheets are accepted only when
nothing in them can reach another host, so that a page makes no request to a
third party and works offline: no backslash escapes, no ``@import``, no
``image-set()`` and its kin, and each ``url()`` a plain relative path that
stays inside the assets folder (see :func:`_css_problem`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from specgen.diagnostics import Diagnostic
from specgen.loader import shown_path
from specgen.walk import TOO_DEEP, bounded, walk

#: Where the assets land in the site: beside, never inside, the theme's own ``assets/``.
SITE_FOLDER = "static"
#: At most this many bytes per asset file.
MAX_ASSET_BYTES = 2_000_000
#: At most this many bytes for all assets together.
MAX_ASSETS_BYTES = 20_000_000
#: At most this many asset files.
MAX_ASSETS = 1_000

#: Allowed file types by suffix, each with the bytes its content starts with (None: text, see _css_problem).
_SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".ico": (b"\x00\x00\x01\x00",),
    ".woff": (b"wOFF",),
    ".woff2": (b"wOF2",),
    ".css": None,
}
ALLOWED_SUFFIXES = tuple(_SIGNATURES)

# Each part of an asset's path becomes part of a URL: plain names only.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


@dataclass(frozen=True)
class Asset:
    """One checked asset file."""

    #: Its path inside the assets folder, with forward slashes.
    relative: str
    #: The bytes that were checked.
    data: bytes

    @property
    def site_path(self) -> str:
        """Where the file is in the site (and in the docs folder MkDocs reads)."""
        return site_path(self.relative)


def site_path(relative: str) -> str:
    """The site path of an asset, given its path inside the assets folder."""
    return f"{SITE_FOLDER}/{relative}"


def collect_assets(assets_dir: Path, workspace: Path) -> tuple[list[Asset], list[Diagnostic]]:
    """Every usable file of ``assets_dir`` and the problems of the others; no folder is no assets.

    Hidden entries (``.gitkeep``) are skipped, as in the specs folder.
    """
    if not assets_dir.exists() and not assets_dir.is_symlink():
        return [], []
    root = workspace.resolve()
    shown = shown_path(assets_dir, workspace)
    try:
        real_dir = assets_dir.resolve(strict=True)
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop, on Python 3.11
        return [], [_problem("SG110", shown, f"cannot read the assets folder: {error}")]
    if not real_dir.is_relative_to(root):
        return [], [_problem("SG110", shown, "the assets folder is a link to a place outside the workspace")]
    if ".git" in real_dir.relative_to(root).parts:  # where CI keeps its job token
        return [], [_problem("SG110", shown, "the assets folder is inside a .git folder")]
    if not real_dir.is_dir():
        return [], [_problem("SG110", shown, "the assets folder is not a folder")]
    assets: list[Asset] = []
    problems: list[Diagnostic] = []
    total = 0
    for file in _walk(real_dir, problems, workspace, assets_dir):
        relative = file.relative_to(real_dir).as_posix()
        shown_file = shown_path(assets_dir / relative, workspace)
        if len(assets) >= MAX_ASSETS:
            problems.append(_problem("SG106", shown_file, f"the assets folder holds more than {MAX_ASSETS:,} files"))
            break
        asset, problem = _read_asset(file, relative, shown_file, real_dir, MAX_ASSETS_BYTES - total)
        if problem is not None:
            problems.append(problem)
        elif asset is not None:
            total += len(asset.data)
            assets.append(asset)
    return assets, problems


def _walk(real_dir: Path, problems: list[Diagnostic], workspace: Path, assets_dir: Path) -> list[Path]:
    """The files below ``real_dir``, sorted; links to folders are not followed (their targets are walked)."""
    found: list[Path] = []

    def too_deep(path: str) -> None:
        shown = shown_path(assets_dir / Path(path).relative_to(real_dir), workspace)
        problems.append(_problem("SG110", shown, TOO_DEEP))

    for folder, dirs, files in walk(real_dir, bounded(too_deep)):
        kept = []
        for name in sorted(dirs):
            if name.startswith("."):
                continue
            path = Path(folder, name)
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(real_dir):
                    shown = shown_path(assets_dir / path.relative_to(real_dir), workspace)
                    problems.append(_problem("SG110", shown, "a link to a place outside the assets folder"))
                continue  # a link to a folder inside is walked as that folder
            kept.append(name)
        dirs[:] = kept
        found.extend(Path(folder, name) for name in files if not name.startswith("."))
    return sorted(found)


def _read_asset(
    file: Path, relative: str, shown: str, real_dir: Path, room: int
) -> tuple[Asset | None, Diagnostic | None]:
    try:
        real = file.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        return None, _problem("SG110", shown, f"cannot read the file: {getattr(error, 'strerror', None) or error}")
    if not real.is_relative_to(real_dir):
        return None, _problem("SG110", shown, "the file is a link to a place outside the assets folder")
    if not real.is_file():
        return None, _problem("SG110", shown, "not a regular file")
    bad_part = next((part for part in PurePosixPath(relative).parts if not _NAME.match(part)), None)
    if bad_part is not None:
        return None, _problem(
            "SG403",
            shown,
            f"the name {bad_part!r} is not allowed for an asset: it becomes part of a URL",
            "use letters, digits, '.', '_' and '-', starting with a letter or digit",
        )
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix not in _SIGNATURES:
        why = " (SVG can hold script)" if suffix == ".svg" else ""
        return None, _problem(
            "SG403",
            shown,
            f"{suffix or 'a file without a suffix'} is not an allowed asset type{why}",
            f"assets may be {', '.join(s.lstrip('.') for s in ALLOWED_SUFFIXES)}",
        )
    try:
        size = real.stat().st_size
        if size > MAX_ASSET_BYTES:
            return None, _problem(
                "SG106", shown, f"the asset has {size:,} bytes; the limit is {MAX_ASSET_BYTES:,} per file"
            )
        if size > room:
            return None, _problem("SG106", shown, f"the assets together have more than {MAX_ASSETS_BYTES:,} bytes")
        with real.open("rb") as stream:  # read no more than the limit, whatever the file grew to since stat()
            data = stream.read(min(MAX_ASSET_BYTES, room) + 1)
    except OSError as error:
        return None, _problem("SG110", shown, f"cannot read the file: {error.strerror or error}")
    if len(data) > min(MAX_ASSET_BYTES, room):
        return None, _problem("SG106", shown, "the asset grew past the size limit while it was read")
    problem = _content_problem(suffix, data, relative)
    if problem:
        message, line, column = problem
        return None, Diagnostic.of("SG403", shown, message, line=line, column=column)
    return Asset(relative, data), None


def _content_problem(suffix: str, data: bytes, relative: str) -> tuple[str, int, int] | None:
    """Why the content does not fit the file type, with the 1-based (line, column) where that shows."""
    signatures = _SIGNATURES[suffix]
    if signatures is None:
        return _css_problem(data, relative)
    if not data.startswith(signatures) or (suffix == ".webp" and data[8:12] != b"WEBP"):
        return f"the content is not a {suffix.lstrip('.').upper()} file", 1, 1
    return None


# The stylesheet check is strict rather than clever: CSS has escapes, comments,
# several functions that fetch and browsers that repair URLs (they drop tabs and
# line breaks, so "/\9/host" becomes "//host"). Rather than decode all of that
# the way a browser would, anything that could hide a reference is refused.
_CSS_IMPORT = re.compile(r"@import", re.IGNORECASE)
#: A function's name and its "(": a url() by any spelling, and the functions that take URLs as plain strings.
_CSS_FUNCTION = re.compile(r"(?<![-\w])([-\w]*)\(")  # the look-behind keeps a long word linear
#: After "url(": one value, quoted or not, between spaces (a tab or line break is refused: browsers drop them).
_CSS_URL_VALUE = re.compile(r" *(?:\"([^\"]*)\"|'([^']*)'|([^\"'() ]*)) *\)")
#: What a url() may hold: a relative path of plain names (see _css_reference_problem).
_CSS_PATH = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*\Z")


def _css_problem(data: bytes, relative: str) -> tuple[str, int, int] | None:
    """Why a stylesheet may not be used, and where: not text, or something in it could reach another host.

    Refused: any backslash (a CSS escape can spell ``url`` or a scheme
    unrecognisably), ``@import``, functions whose plain strings are URLs
    (``image-set()``, ``-webkit-image-set()``, ``image()``, ``src()``), and a
    ``url()`` whose value is not a relative path of plain names
    (:data:`_CSS_PATH`) staying inside the assets folder. This holds
    everywhere in the text, comments and strings included: skipping them would
    need the browser's own tokenizer to be safe.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "a stylesheet must be UTF-8 text", 1, 1
    if "\x00" in text:
        return "the stylesheet holds NUL bytes: it looks binary, not text", 1, 1
    backslash = text.find("\\")
    if backslash >= 0:
        return (
            "a stylesheet may not hold a backslash: CSS escapes can hide a reference to another host; "
            "write the character itself (stylesheets are UTF-8)",
            *_position(text, backslash),
        )
    found = _CSS_IMPORT.search(text)
    if found:
        return "a stylesheet may not @import others; list each in extra_css", *_position(text, found.start())
    for match in _CSS_FUNCTION.finditer(text):
        name = match.group(1).lower()
        if name.endswith(("image-set", "image")) or name == "src" or name.endswith("-src"):
            return (
                f"a stylesheet may not use {match.group(1)}(), whose strings are URLs; use url() with a file of the "
                "assets folder",
                *_position(text, match.start()),
            )
        if name.endswith("url"):
            problem = _css_reference_problem(text, match.end(), relative)
            if problem:
                return problem, *_position(text, match.start())
    return None


def _css_reference_problem(text: str, start: int, relative: str) -> str | None:
    """Why the ``url(`` value at ``start`` of a stylesheet at ``relative`` may not be used, or ``None``."""
    value = _CSS_URL_VALUE.match(text, start)
    target = next((g for g in value.groups() if g is not None), "") if value else None
    if target is None or not _CSS_PATH.match(target) or not _stays_inside(relative, target):
        shown = target if target is not None else text[start : start + 40].split(")")[0]
        return (
            f"the stylesheet refers to {shown!r}: a url() may only hold a relative path to a file of the "
            "assets folder, such as img/logo.png, without a scheme, host, query, tab, line break or '..' out of it"
        )
    return None


def _stays_inside(relative: str, target: str) -> bool:
    """Whether ``target``, relative to the stylesheet at ``relative``, stays inside the assets folder."""
    parts = list(PurePosixPath(relative).parent.parts)
    for segment in target.split("/"):
        if segment == "..":
            if not parts:
                return False
            parts.pop()
        elif segment != ".":
            parts.append(segment)
    return bool(parts)


def _position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of ``offset`` in ``text``, lines counted by LF."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def write_assets(assets: list[Asset], docs_dir: Path) -> None:
    """Write checked assets into the docs folder MkDocs copies into the site."""
    for asset in assets:
        target = docs_dir / asset.site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(asset.data)


def _problem(code: str, shown: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic.of(code, shown, message, hint=hint, line=1, column=1)
