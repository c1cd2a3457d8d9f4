"""The nested parts of ``mkdocs.yml`` (theme, navigation, Markdown extensions, plugins, validation, extra).

Each part is checked against its own allowlist by a :class:`Sections` bound to
one :class:`~specgen.siteconfig.allowed.Checker`, which collects the problems.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from specgen.diagnostics import Pointer
from specgen.siteconfig.allowed import Checker, material_file
from specgen.siteconfig.defaults import REQUIRED_EXTENSIONS, REQUIRED_OPTIONS

_COLOR = re.compile(r"[a-z]+( [a-z]+)*\Z")
_MEDIA = re.compile(r"[a-z0-9 ():,-]+\Z")
_FEATURE = re.compile(r"[a-z]+(\.[a-z]+)*\Z")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z]{2,4})?\Z")
_DOC_PATH = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_./-]*\.md\Z")
_LEVELS = ("warn", "info", "ignore")


Check = Callable[[Any, Pointer], Any]

#: Why an option specgen sets may not be changed, by option name.
_WHY_REQUIRED = {
    "permalink": "the permalink beside each heading is how readers copy a link to a requirement or a release",
}


class Sections:
    """Checks for the nested parts of ``mkdocs.yml``."""

    def __init__(self, checker: Checker) -> None:
        self.c = checker
        c = checker
        # Options of each allowed Markdown extension. An option that takes code
        # (a !!python/name) is not listed: it is refused, or specgen sets it.
        # Each extension here leaves escaped spec text as it is (tests/test_mkdocs_extensions.py
        # builds a page with every one of them); those that would read syntax in
        # it that specgen.escape does not neutralise are refused (allowed._REFUSED).
        self.extension_options: dict[str, dict[str, Check]] = {
            "abbr": {},
            "admonition": {},
            "attr_list": {},
            "footnotes": {},
            "md_in_html": {},
            "sane_lists": {},
            "tables": {},
            "toc": {
                "permalink": c.boolean,
                "permalink_title": c.text,
                "title": c.text,
                "toc_depth": c.integer(1, 6),
                "baselevel": c.integer(1, 6),
                "anchorlink": c.boolean,
            },
            "pymdownx.betterem": {},
            "pymdownx.critic": {},
            "pymdownx.details": {},
            "pymdownx.highlight": {
                "anchor_linenums": c.boolean,
                "linenums": c.boolean,
                "pygments_lang_class": c.boolean,
                "use_pygments": c.boolean,
            },
            "pymdownx.inlinehilite": {},
            "pymdownx.superfences": {"preserve_tabs": c.boolean, "disable_indented_code_blocks": c.boolean},
            "pymdownx.tabbed": {"alternate_style": c.boolean, "combine_header_slug": c.boolean},
            "pymdownx.tasklist": {"custom_checkbox": c.boolean, "clickable_checkbox": c.boolean},
            "pymdownx.tilde": {},
        }
        # Options specgen's pages depend on may be repeated, never changed.
        for name, required in REQUIRED_OPTIONS.items():
            for key, value in required.items():
                self.extension_options[name][key] = self.fixed(value)
        self.plugin_options: dict[str, dict[str, Check]] = {
            name: {"enabled": c.boolean, "lang": self.languages} for name in ("search", "material/search")
        }

    def fixed(self, required: Any) -> Check:
        """A check that a value is ``required``: an option specgen's pages depend on."""

        def check(value: Any, pointer: Pointer) -> Any:
            if value == required and type(value) is type(required):
                return value
            self.c.problem(
                f"{_text(pointer)} must be {_yaml(required)} (or left out): specgen's pages depend on it",
                pointer,
                hint=_WHY_REQUIRED.get(str(pointer[-1]), "specgen sets it on every site"),
            )
            return None

        return check

    # Theme ------------------------------------------------------------------

    def theme(self, value: Any, pointer: Pointer) -> dict[str, Any] | None:
        if isinstance(value, str):
            value = {"name": value}
        data = self.c.mapping(value, pointer)
        if data is None:
            return None
        c = self.c
        out = c.keys(
            data,
            pointer,
            {
                "name": self.theme_name,
                "palette": self.palette,
                "features": c.items(c.matching(_FEATURE, "a Material feature, such as navigation.top")),
                "icon": self.icons,
                "logo": c.asset,
                "favicon": c.asset,
                "language": self.language,
                "font": self.font,
            },
        )
        if "name" not in data:
            c.problem("theme.name is required", pointer, hint="theme: {name: material}")
        return {**out, "name": "material", "font": False}

    def theme_name(self, value: Any, pointer: Pointer) -> str | None:
        if value == "material":
            return "material"
        why = (
            ": MkDocs' built-in themes load highlight.js from a CDN, a script of a third party"
            if value in ("mkdocs", "readthedocs")
            else ""
        )
        self.c.problem(f"theme {value!r} is not allowed{why}", pointer, hint="specgen builds with theme: material")
        return None

    def font(self, value: Any, pointer: Pointer) -> bool | None:
        if value is False:
            return False
        self.c.problem(
            "theme.font may only be false: fonts from Google Fonts are a request to a third party",
            pointer,
            hint="a specgen site uses the system's fonts and works offline",
        )
        return None

    def language(self, value: Any, pointer: Pointer) -> str | None:
        if (
            isinstance(value, str)
            and _LANGUAGE.match(value)
            and material_file("templates/partials/languages", value + ".html")
        ):
            return value
        self.c.problem(f"{value!r} is not one of Material's languages", pointer, hint="such as en, de, fr, pt-BR")
        return None

    def languages(self, value: Any, pointer: Pointer) -> Any:
        if isinstance(value, list):
            return self.c.items(self.language)(value, pointer)
        return self.language(value, pointer)

    def palette(self, value: Any, pointer: Pointer) -> Any:
        if isinstance(value, list):
            return self.c.items(self.palette_entry)(value, pointer)
        return self.palette_entry(value, pointer)

    def palette_entry(self, value: Any, pointer: Pointer) -> dict[str, Any] | None:
        data = self.c.mapping(value, pointer)
        if data is None:
            return None
        c = self.c
        color = c.matching(_COLOR, "a colour name, such as indigo or deep purple")
        return c.keys(
            data,
            pointer,
            {
                "scheme": c.matching(_COLOR, "a colour scheme, such as default or slate"),
                "primary": color,
                "accent": color,
                "media": c.matching(_MEDIA, "a media query, such as (prefers-color-scheme: dark)"),
                "toggle": self.toggle,
            },
        )

    def toggle(self, value: Any, pointer: Pointer) -> dict[str, Any] | None:
        data = self.c.mapping(value, pointer)
        return None if data is None else self.c.keys(data, pointer, {"icon": self.c.icon, "name": self.c.text})

    def icons(self, value: Any, pointer: Pointer) -> dict[str, Any] | None:
        data = self.c.mapping(value, pointer)
        if data is None:
            return None
        out: dict[str, Any] = {}
        for key, icon in data.items():
            here = (*pointer, key)
            if not re.fullmatch(r"[a-z_]+", str(key)):
                self.c.problem(f"{key!r} is not a name of one of the theme's icons", here, at_key=True)
            elif key in ("admonition", "tag"):
                inner = self.c.mapping(icon, here)
                if inner is not None:
                    checked = {
                        k: self.c.icon(v, (*here, k)) for k, v in inner.items() if re.fullmatch(r"[a-z_-]+", str(k))
                    }
                    for k in inner:
                        if not re.fullmatch(r"[a-z_-]+", str(k)):
                            self.c.problem(f"{k!r} is not a plain name", (*here, k), at_key=True)
                    out[key] = {k: v for k, v in checked.items() if v is not None}
            else:
                checked_icon = self.c.icon(icon, here)
                if checked_icon is not None:
                    out[key] = checked_icon
        return out

    # Navigation -------------------------------------------------------------

    def nav_entry(self, value: Any, pointer: Pointer) -> Any:
        """A page (``features.md``), a link (``https://...``), or ``Title: page-or-list``."""
        if isinstance(value, str):
            return self.nav_target(value, pointer)
        if isinstance(value, dict) and len(value) == 1:
            ((title, target),) = value.items()
            checked_title = self.c.text(title, pointer)
            if isinstance(target, list):
                checked: Any = self.c.items(self.nav_entry)(target, (*pointer, title))
            else:
                checked = self.nav_target(target, (*pointer, title))
            return None if checked_title is None or checked is None else {checked_title: checked}
        self.c.problem(f"{_text(pointer)} must be a page, a link, or one 'Title: page' entry", pointer)
        return None

    def nav_target(self, value: Any, pointer: Pointer) -> str | None:
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return self.c.url(value, pointer)
        if isinstance(value, str) and _DOC_PATH.match(value) and ".." not in value.split("/"):
            return value
        self.c.problem(f"{_text(pointer)} must be a page such as roadmap.md, or an http(s) link", pointer)
        return None

    # Markdown extensions and plugins ----------------------------------------

    def extensions(self, value: Any, pointer: Pointer) -> list[Any] | None:
        return self._named(value, pointer, self.extension_options, "the Markdown extension")

    def plugins(self, value: Any, pointer: Pointer) -> list[Any] | None:
        return self._named(value, pointer, self.plugin_options, "the plugin")

    def _named(self, value: Any, pointer: Pointer, allowed: dict[str, dict[str, Check]], what: str) -> list[Any] | None:
        """Entries written ``- name``, ``- name: {options}`` or as a mapping of names to options."""
        if isinstance(value, dict):
            entries: list[tuple[Any, Any, Pointer]] = [(k, v, (*pointer, k)) for k, v in value.items()]
        elif isinstance(value, list):
            entries = []
            for index, item in enumerate(value):
                if isinstance(item, dict) and len(item) == 1:
                    ((name, options),) = item.items()
                    entries.append((name, options, (*pointer, index, name)))
                else:
                    entries.append((item, None, (*pointer, index)))
        else:
            self.c.problem(f"{_text(pointer)} must be a list", pointer)
            return None
        out: list[Any] = []
        for name, options, here in entries:
            if not isinstance(name, str) or name not in allowed:
                self.c.unknown(name, here, list(allowed), what)
                continue
            if options is None:
                out.append(name)
                continue
            data = self.c.mapping(options, here)
            if data is not None:
                out.append({name: self.c.keys(data, here, allowed[name])})
        return out

    # Validation and extra ---------------------------------------------------

    def validation(self, value: Any, pointer: Pointer) -> dict[str, Any] | None:
        data = self.c.mapping(value, pointer)
        if data is None:
            return None
        level = self.c.one_of(*_LEVELS)
        absolute = self.c.one_of(*_LEVELS, "relative_to_docs")
        links = {"not_found": level, "anchors": level, "absolute_links": absolute, "unrecognized_links": level}
        nav = {"omitted_files": level, "not_found": level, "absolute_links": absolute}
        return self.c.keys(
            data,
            pointer,
            {**links, "omitted_files": level, "links": self._group(links), "nav": self._group(nav)},
        )

    def _group(self, checks: dict[str, Check]) -> Check:
        def check(value: Any, pointer: Pointer) -> dict[str, Any] | None:
            data = self.c.mapping(value, pointer)
            return None if data is None else self.c.keys(data, pointer, checks)

        return check

    def extra(self, value: Any, pointer: Pointer) -> dict[str, Any] | None:
        data = self.c.mapping(value, pointer)
        if data is None:
            return None
        return self.c.keys(data, pointer, {"generator": self.c.boolean, "social": self.c.items(self.social)})

    def social(self, value: Any, pointer: Pointer) -> dict[str, Any] | None:
        data = self.c.mapping(value, pointer)
        if data is None:
            return None

        def link(target: Any, here: Pointer) -> str | None:
            from specgen.siteconfig.allowed import url

            problem = url(target, mailto=True)
            if problem:
                self.c.problem(f"{_text(here)} {problem}", here)
                return None
            return str(target)

        checked = self.c.keys(data, pointer, {"icon": self.c.icon, "link": link, "name": self.c.text})
        if "icon" not in checked or "link" not in checked:
            if "icon" in data and "link" in data:
                return None  # already reported
            self.c.problem(f"{_text(pointer)} needs an icon and a link", pointer)
            return None
        return checked


def _text(pointer: Pointer) -> str:
    from specgen.diagnostics import pointer_text

    return pointer_text(pointer)


def _yaml(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else repr(value)


__all__ = ["REQUIRED_EXTENSIONS", "Sections"]
