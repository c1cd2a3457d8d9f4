"""The keys ``mkdocs.yml`` may hold and what each may be: the allowlist behind :mod:`specgen.siteconfig`.

Every key is refused unless it is listed here, and every value is checked:
text that Material prints into HTML unescaped (site name, copyright,
description ...) must be plain text, URLs are ``http(s)``, icons and languages
must be Material's own, files must be assets, and Markdown extensions and
plugins come with options specgen checks (or sets) itself. The result is the
configuration specgen hands MkDocs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from specgen.config import Settings
from specgen.diagnostics import Diagnostic, Pointer, did_you_mean
from specgen.siteconfig.assets import Asset, site_path
from specgen.siteconfig.defaults import product_name, required

_INTERPRETS = "it would interpret spec text that specgen shows literally"

#: Why the best-known dangerous keys are refused, so the message says more than "unknown".
_REFUSED = {
    "hooks": "hooks run Python code from the workspace",
    "INHERIT": "INHERIT reads another file, anywhere",
    "docs_dir": "specgen supplies the docs folder",
    "site_dir": "specgen supplies the site folder (set site: in specgen.yaml)",
    "extra_javascript": "a specgen site runs no script but the theme's",
    "extra_templates": "extra templates are rendered by MkDocs without a sandbox",
    "dev_addr": "specgen serve takes --dev-addr",
    "watch": "specgen serve watches the workspace itself",
    "custom_dir": "theme templates are rendered by MkDocs without a sandbox and can run code",
    "static_templates": "theme templates are rendered by MkDocs without a sandbox",
    "analytics": "analytics send every reader's visit to a third party",
    "consent": "the consent banner belongs with analytics, which are refused",
    "privacy": "the privacy plugin downloads every external file during the build",
    "social": "the social plugin fetches fonts from a third party while it builds",
    "info": "the info plugin packs the project's files into an archive",
    "group": "the group plugin switches other plugins on, typically through !ENV",
    "material/privacy": "the privacy plugin downloads every external file during the build",
    "material/social": "the social plugin fetches fonts from a third party while it builds",
    "material/info": "the info plugin packs the project's files into an archive",
    "material/group": "the group plugin switches other plugins on, typically through !ENV",
    "pymdownx.snippets": "pymdownx.snippets includes files and URLs into pages",
    # Extensions whose syntax specgen's escaping leaves as it is: spec text would turn into markup.
    "def_list": f"{_INTERPRETS}: a paragraph that starts with ': ' would become a definition list",
    "pymdownx.caret": f"{_INTERPRETS}: ^^text^^ and ^text^ would become inserted and superscript text",
    "pymdownx.mark": f"{_INTERPRETS}: ==text== would become highlighted text",
    "pymdownx.keys": f"{_INTERPRETS}: ++ctrl+alt++ would become keyboard keys",
    "pymdownx.emoji": f"{_INTERPRETS}: :smile: would become an image from a third party's CDN",
    "pymdownx.smartsymbols": f"{_INTERPRETS}: (c), 1/2 and --> would become other characters",
    "pymdownx.magiclink": f"{_INTERPRETS}: bare URLs, @mentions and repository references would become links",
    "pymdownx.arithmatex": f"{_INTERPRETS}: $...$ would become mathematics",
    "smarty": f"{_INTERPRETS}: quotes and dashes would become other characters",
    "repo_url": (
        "the theme's script then asks the repository host's API (api.github.com, or any host with 'gitlab' in "
        "its name) for stars and forks on every page view, a request to another host from every reader; link the "
        "repository with extra.social instead"
    ),
    "repo_name": "it labels repo_url, which is refused",
    "custom_fences": "custom fences need !!python/name: tags, which run code",
    "font": "fonts from Google Fonts are a request to a third party; the site uses system fonts",
}

# Text Material prints into HTML without escaping it: <, >, " and & would be markup there.
_MARKUP = set('<>"&')
_ICON = re.compile(r"[a-z0-9-]+(/[a-z0-9_-]+)+\Z")
_EDIT_URI = re.compile(r"[A-Za-z0-9_./?=&-]*\Z")


def plain_text(value: object) -> str | None:
    """Why ``value`` is not plain one-line text, or ``None`` when it is."""
    if not isinstance(value, str) or not value.strip():
        return "must be text"
    for char in value:
        if char in _MARKUP:
            return f"must be plain text: {char!r} would be markup where the theme prints it"
        if unicodedata.category(char) in ("Cc", "Cf") and char not in "\u200e\u200f":
            return f"must be plain text: U+{ord(char):04X} is a control or formatting character"
    return "is too long (at most 500 characters)" if len(value) > 500 else None


def url(value: object, *, mailto: bool = False) -> str | None:
    """Why ``value`` is not an ``http(s)`` URL (or ``mailto:``), or ``None`` when it is."""
    if not isinstance(value, str):
        return "must be a URL"
    if any(c in value for c in "\"'<>\\`") or any(c.isspace() or not c.isprintable() for c in value):
        return "must be a URL without quotes, angle brackets, spaces or control characters"
    parts = urlsplit(value)
    if mailto and parts.scheme == "mailto" and parts.path:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an http:// or https:// URL" + (" (or mailto:)" if mailto else "")
    return None


class Checker:
    """Checks the data of one ``mkdocs.yml`` and builds the configuration MkDocs gets."""

    def __init__(self, shown: str, settings: Settings, assets: list[Asset]) -> None:
        self.shown = shown
        self.settings = settings
        self.assets = {a.relative for a in assets}
        self.problems: list[Diagnostic] = []

    def problem(self, message: str, pointer: Pointer, *, at_key: bool = False, hint: str | None = None) -> None:
        self.problems.append(Diagnostic.of("SG403", self.shown, message, pointer=pointer, at_key=at_key, hint=hint))

    def unknown(self, key: object, pointer: Pointer, known: list[str], what: str) -> None:
        name = str(key)
        reason = _REFUSED.get(name)
        if reason:
            self.problem(f"{what} {name!r} is not allowed: {reason}", pointer, at_key=True)
        else:
            hint = did_you_mean(name, known) or f"allowed: {', '.join(known)}"
            self.problem(f"{what} {name!r} is not allowed", pointer, at_key=True, hint=hint)

    def mapping(self, value: object, pointer: Pointer) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.problem(f"{_name(pointer)} must be a mapping", pointer)
        return None

    def keys(
        self, data: dict[str, Any], pointer: Pointer, checks: dict[str, Callable[[Any, Pointer], Any]]
    ) -> dict[str, Any]:
        """Check each key of ``data`` with its check; unknown keys are refused. Values ``None`` are dropped."""
        out: dict[str, Any] = {}
        for key, value in data.items():
            check = checks.get(key)
            if check is None:
                self.unknown(key, (*pointer, key), list(checks), "the key")
                continue
            result = check(value, (*pointer, key))
            if result is not None:
                out[key] = result
        return out

    # Values -----------------------------------------------------------------

    def text(self, value: Any, pointer: Pointer) -> str | None:
        problem = plain_text(value)
        if problem:
            self.problem(f"{_name(pointer)} {problem}", pointer)
            return None
        return str(value)

    def url(self, value: Any, pointer: Pointer) -> str | None:
        problem = url(value)
        if problem:
            self.problem(f"{_name(pointer)} {problem}", pointer)
            return None
        return str(value)

    def boolean(self, value: Any, pointer: Pointer) -> bool | None:
        if isinstance(value, bool):
            return value
        self.problem(f"{_name(pointer)} must be true or false", pointer)
        return None

    def matching(self, pattern: re.Pattern[str], what: str) -> Callable[[Any, Pointer], str | None]:
        def check(value: Any, pointer: Pointer) -> str | None:
            if isinstance(value, str) and pattern.match(value) and ".." not in value:
                return value
            self.problem(f"{_name(pointer)} must be {what}", pointer)
            return None

        return check

    def one_of(self, *choices: str) -> Callable[[Any, Pointer], str | None]:
        def check(value: Any, pointer: Pointer) -> str | None:
            if value in choices:
                return str(value)
            hint = did_you_mean(str(value), choices) or f"one of {', '.join(choices)}"
            self.problem(f"{_name(pointer)}: {value!r} is not allowed", pointer, hint=hint)
            return None

        return check

    def integer(self, low: int, high: int) -> Callable[[Any, Pointer], int | None]:
        def check(value: Any, pointer: Pointer) -> int | None:
            if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
                return value
            self.problem(f"{_name(pointer)} must be a whole number from {low} to {high}", pointer)
            return None

        return check

    def icon(self, value: Any, pointer: Pointer) -> str | None:
        # Material includes ".icons/<name>.svg" as a template: only its own icons, by plain name.
        if isinstance(value, str) and _ICON.match(value) and material_file("templates/.icons", value + ".svg"):
            return value
        self.problem(f"{_name(pointer)} must name one of Material's icons, such as material/library", pointer)
        return None

    def asset(self, value: Any, pointer: Pointer) -> str | None:
        """A file of the assets folder, named by its path in the workspace; gives its path in the site."""
        folder = self.settings.assets_dir
        shown = (
            folder.relative_to(self.settings.workspace).as_posix()
            if folder.is_relative_to(self.settings.workspace)
            else str(folder)
        )
        if isinstance(value, str) and value.strip():
            try:
                target = (self.settings.workspace / value).resolve()
                relative: str | None = target.relative_to(folder.resolve()).as_posix()
            except ValueError:  # outside the folder, or a NUL in the path
                relative = None
            except (OSError, RuntimeError):  # RuntimeError: a link loop, on Python 3.11
                relative = None
            if relative is not None and relative in self.assets:
                return site_path(relative)
            if relative is not None and target.is_file():
                return None  # an asset that was refused: its own error says why
        self.problem(
            f"{_name(pointer)} must name a file in the assets folder, such as {shown}/logo.png",
            pointer,
            hint=f"files reach the site only from {shown}/",
        )
        return None

    def items(self, check: Callable[[Any, Pointer], Any]) -> Callable[[Any, Pointer], list[Any] | None]:
        def each(value: Any, pointer: Pointer) -> list[Any] | None:
            if not isinstance(value, list):
                self.problem(f"{_name(pointer)} must be a list", pointer)
                return None
            out = [check(item, (*pointer, index)) for index, item in enumerate(value)]
            return [item for item in out if item is not None]

        return each

    # The configuration ------------------------------------------------------

    def config(self, data: dict[str, Any]) -> dict[str, Any]:
        """The configuration for MkDocs, from the checked keys of ``data`` and what specgen's pages need.

        Without ``site_name``, the site is named after the product (see
        :func:`~specgen.siteconfig.defaults.product_name`).
        """
        from specgen.siteconfig.sections import Sections

        sections = Sections(self)
        out = self.keys(
            data,
            (),
            {
                "site_name": self.text,
                "site_description": self.text,
                "site_author": self.text,
                "copyright": self.text,
                "site_url": self.url,
                "edit_uri": self.matching(_EDIT_URI, "a path inside the repository, such as edit/main/docs/"),
                "use_directory_urls": self.boolean,
                "strict": self.boolean,
                "theme": sections.theme,
                "nav": self.items(sections.nav_entry),
                "markdown_extensions": sections.extensions,
                "plugins": sections.plugins,
                "validation": sections.validation,
                "extra": sections.extra,
                "extra_css": self.items(self.asset),
            },
        )
        if "site_name" not in data:
            out["site_name"] = product_name(self.settings)
        return required(out)


def material_file(folder: str, name: str) -> bool:
    """Whether Material ships ``folder/name``."""
    try:
        return (files("material") / folder / name).is_file()
    except (ModuleNotFoundError, OSError):
        return False


def _name(pointer: Pointer) -> str:
    from specgen.diagnostics import pointer_text

    return pointer_text(pointer) if pointer else "the configuration"


__all__ = ["Checker", "material_file", "plain_text", "url"]
