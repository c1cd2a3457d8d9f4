"""Render the files ``init`` and ``new`` write from the Jinja templates shipped in ``scaffold/files``.

The templates are YAML; the GitHub workflows among them use ``{{ }}`` for
their own expressions and bash's ``[[ ]]`` for tests, so variables are written
``[@ name @]`` and blocks ``[% ... %]``. Every variable passes through
:func:`yaml_text` on its way out, the YAML counterpart of HTML autoescaping:
user text (a title) can never become YAML structure.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any

import jinja2

from specgen.charset import REFUSED
from specgen.yamlio import make_yaml

#: The separators that YAML 1.1 parsers (ruamel's C one) read as line breaks: escaped in a quoted scalar.
_ESCAPED = {ord(c): f"\\u{ord(c):04x}" for c in ("\u2028", "\u2029")}


class Raw(str):
    """Text that is YAML already (a flow list made by ``json.dumps``): :func:`yaml_text` leaves it as it is."""

    __slots__ = ()


def yaml_text(value: object) -> str:
    """``value`` as a YAML scalar that reads back as exactly that value.

    Plain when specgen's loader reads the plain form back unchanged (``Low-stock
    alerts``, ``pip install .``, ``2026-11-20``: dates stay text); otherwise a
    double-quoted scalar (JSON's escapes are YAML's). Numbers and booleans are
    written as YAML writes them.
    """
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text and text == text.strip() and "\n" not in text and _reads_back(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False).translate(_ESCAPED)
    return REFUSED.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _reads_back(text: str) -> bool:
    try:
        loaded = make_yaml().load(f"k: {text}\n")
    except Exception:  # any of ruamel's many errors (and specgen's own limits): the plain form is not usable
        return False
    return isinstance(loaded, dict) and loaded.get("k") == text and len(loaded) == 1


@cache
def environment() -> jinja2.Environment:
    """The one Jinja environment of the scaffold templates (strict: a misspelled variable fails)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("specgen.scaffold", "files"),
        variable_start_string="[@",
        variable_end_string="@]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # YAML, not HTML: escaping is yaml_text, applied to every variable by finalize
        finalize=yaml_text,
    )


def render(name: str, **context: Any) -> str:
    """The template ``name`` (relative to ``scaffold/files``) rendered with ``context``."""
    return environment().get_template(name).render(**context)


def templates(prefix: str) -> list[str]:
    """The template names below ``prefix`` (a folder of ``scaffold/files``), sorted."""
    return sorted(n for n in environment().list_templates() if n.startswith(f"{prefix}/"))
