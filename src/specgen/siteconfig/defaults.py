"""What every specgen site gets from MkDocs, with or without ``mkdocs.yml``.

specgen's pages are written for a known set of Markdown extensions
(``!!! note`` needs ``admonition``, ``{ #rel-1 }`` needs ``attr_list``), for
Material, and for system fonts only (``theme.font: false``: otherwise Material
loads Google Fonts and the site breaks offline). These are not left to the
workspace: a workspace without ``mkdocs.yml`` gets :func:`default_options`,
one with a minimal file gets them added, and a setting that contradicts them
is a located error (see :mod:`specgen.siteconfig.sections`).

specgen's own stylesheet (``specgen.css``, shipped in this package) is written
into every docs folder at :data:`STYLESHEET` and listed first in ``extra_css``,
so that a workspace's own stylesheets come after it and can override it.
"""

from __future__ import annotations

import unicodedata
from importlib.resources import files
from pathlib import Path
from typing import Any

from specgen.config import Settings
from specgen.loader import parse, shown_path
from specgen.reading import read_text
from specgen.yamlio import make_yaml

#: Where specgen's stylesheet lies in the docs folder and the site. Workspace
#: assets all land under ``static/`` (:data:`~specgen.siteconfig.assets.SITE_FOLDER`)
#: and specgen's pages are Markdown files, so no workspace file can take this path
#: (tests/test_site_defaults.py holds both to it).
STYLESHEET = "specgen/specgen.css"

#: The site's name when ``product.yaml`` gives none that can be used.
FALLBACK_SITE_NAME = "Product specs"

#: What specgen's pages need, whatever ``mkdocs.yml`` says: admonitions (``!!! warning``),
#: ``{ #anchor }``, tables, and headings with permalinks.
REQUIRED_EXTENSIONS = ("admonition", "attr_list", "tables", "toc")
#: Options specgen sets on the required extensions; a workspace may repeat them but not change them.
REQUIRED_OPTIONS: dict[str, dict[str, Any]] = {"toc": {"permalink": True}}

# Markup characters become their full-width look-alikes, as page titles do (specgen.escape.front_matter):
# the theme prints the site name into HTML unescaped.
_LOOK_ALIKES = str.maketrans({"<": "\uff1c", ">": "\uff1e", '"': "\uff02", "&": "\uff06"})


def default_options(settings: Settings) -> dict[str, Any]:
    """The MkDocs configuration of a workspace without ``mkdocs.yml``.

    Its site name is the product's ``name`` from ``product.yaml`` (see
    :func:`product_name`); the rest is what :func:`required` adds to any
    configuration, plus Material's search.
    """
    options: dict[str, Any] = {
        "site_name": product_name(settings),
        "theme": {
            "name": "material",
            "font": False,
            "features": ["navigation.sections", "navigation.top", "search.highlight"],
        },
        "plugins": ["search"],
        "markdown_extensions": [],
    }
    return required(options)


def required(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` with what specgen's pages need: Material with system fonts, the extensions, the stylesheet.

    Contradicting values were refused when ``mkdocs.yml`` was checked; here
    they are only filled in.
    """
    theme = dict(options.get("theme") or {})
    options["theme"] = {**theme, "name": "material", "font": False}
    options["markdown_extensions"] = with_required_extensions(options.get("markdown_extensions", []))
    options["extra_css"] = [STYLESHEET, *(css for css in options.get("extra_css", []) if css != STYLESHEET)]
    return options


def with_required_extensions(extensions: list[Any]) -> list[Any]:
    """The checked extensions plus those specgen's pages need, with the options specgen sets itself."""
    by_name: dict[str, dict[str, Any]] = {}
    for entry in extensions:
        name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        by_name.setdefault(name, {}).update(options)
    for name in REQUIRED_EXTENSIONS:
        by_name.setdefault(name, {}).update(REQUIRED_OPTIONS.get(name, {}))
    return [{name: options} if options else name for name, options in by_name.items()]


def product_name(settings: Settings) -> str:
    """The product's name from ``product.yaml`` as a site name, or :data:`FALLBACK_SITE_NAME`.

    Read as specs are read; when the file cannot be read or parsed, ``specgen
    check`` reports why, and the site is still named. Markup characters
    become look-alikes and control characters are dropped, because the
    theme prints the name unescaped.
    """
    file = settings.specs_dir / "product.yaml"
    shown = shown_path(file, settings.workspace)
    try:
        bound = settings.specs_dir.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a link loop, on Python 3.11
        return FALLBACK_SITE_NAME
    if not file.is_file():
        return FALLBACK_SITE_NAME
    text, _ = read_text(file, shown, bound, settings.limits, bound_name="the specs folder")
    data = parse(text, shown, make_yaml(), settings.limits)[0] if text is not None else None
    name = data.get("name") if data is not None else None
    if not isinstance(name, str):
        return FALLBACK_SITE_NAME
    shown_name = "".join(char for char in name.translate(_LOOK_ALIKES) if _shown(char))
    shown_name = " ".join(shown_name.split())[:200]
    return shown_name or FALLBACK_SITE_NAME


def _shown(char: str) -> bool:
    # Control and formatting characters are dropped, but for the marks right-to-left text needs.
    return unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp") or char in "\u200e\u200f"


def write_stylesheet(docs_dir: Path) -> None:
    """Write specgen's stylesheet into the docs folder MkDocs copies into the site, at :data:`STYLESHEET`."""
    target = docs_dir / STYLESHEET
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(files("specgen.siteconfig").joinpath("specgen.css").read_bytes())


__all__ = [
    "FALLBACK_SITE_NAME",
    "REQUIRED_EXTENSIONS",
    "REQUIRED_OPTIONS",
    "STYLESHEET",
    "default_options",
    "product_name",
    "required",
    "with_required_extensions",
    "write_stylesheet",
]
