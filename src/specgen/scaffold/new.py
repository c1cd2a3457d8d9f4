"""``specgen new KIND "Title"``: one new spec file, with its required keys filled in and prompts for the rest.

What a product manager must still write is a prompt, a text that starts with
:data:`specgen.schema.prompts.PROMPT` (``✎``): valid for the schema, so the
file checks, but reported by ``check`` as SG320, so ``--strict`` (CI,
pre-commit) fails until each is replaced. Values that cannot be prompts (a
status, a date, a number) get a sensible start and a comment naming the
choices.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from specgen.charset import REFUSED, describe
from specgen.config import Settings
from specgen.kinds import KINDS, PRODUCT_FILE, Kind, natural_key
from specgen.loader import parse
from specgen.reading import read_text
from specgen.scaffold.ids import used_ids
from specgen.scaffold.render import render
from specgen.scaffold.write import obstacles, write_new
from specgen.schema import is_id
from specgen.schema.editor import EDITOR_SCHEMAS
from specgen.yamlio import make_yaml

#: Every kind ``new`` writes: all but the product, of which a workspace has one (``init`` writes it).
NEW_KINDS: dict[str, Kind] = {name: kind for name, kind in KINDS.items() if kind.folder}
#: How far ahead a new release is planned: a quarter, a date the PM is asked to check.
RELEASE_AHEAD = dt.timedelta(days=91)


class Refused(Exception):
    """``new`` cannot write the file; the text says why (a usage problem: exit 2)."""


@dataclass(frozen=True)
class Created:
    """The file ``new`` wrote, and what the user should know about it."""

    path: Path
    ident: str
    notes: list[str] = field(default_factory=list)


def new_spec(settings: Settings, kind_name: str, title: str, *, ident: str | None = None) -> Created:
    """Write a new spec of ``kind_name`` titled ``title`` into the settings' specs folder.

    ``ident`` chooses the ID; by default it is the next free one
    (:mod:`specgen.scaffold.ids`). Raises :class:`Refused` for a taken or
    malformed ID, a title that no spec can hold, or a file in the way.
    """
    kind = NEW_KINDS[kind_name]
    _check_title(title)
    folder = settings.specs_dir / str(kind.folder)
    used = used_ids(folder)
    notes = (
        []
        if used.from_git
        else [f"{used.why_not_git}: the ID counts only the files on disk, not IDs that git history used"]
    )
    if ident is None:
        ident = used.next_id(kind)
    elif not is_id(kind, ident):
        raise Refused(f"--id {ident!r} is not a {kind.title.lower()} ID: it looks like {kind.prefix}-12")
    elif _taken(ident, used.on_disk):
        raise Refused(f"--id {ident}: {kind.folder}/{ident}.yaml already exists")
    elif _taken(ident, used.in_history):
        raise Refused(f"--id {ident} was used before (it is in the git history), and IDs are never reused")
    file = folder / f"{ident}.yaml"
    relative = PurePosixPath(file.relative_to(settings.workspace).as_posix())
    owner, owner_note = _owner(settings)
    if owner_note and kind.name != "stakeholder":
        notes.append(owner_note)
    today = settings.today
    schema = PurePosixPath(os.path.relpath(settings.workspace / EDITOR_SCHEMAS / kind.schema_name, file.parent))
    if not (settings.workspace / EDITOR_SCHEMAS / kind.schema_name).is_file():
        notes.append("no editor schemas in this workspace yet: `specgen schema --workspace .` writes them")
    text = render(
        f"new/{kind.name}.yaml",
        schema=schema.as_posix(),
        id=ident,
        title=title,
        owner=owner,
        today=today,
        period=f"{today.year}-Q{(today.month - 1) // 3 + 1}",
        target_date=today + RELEASE_AHEAD,
    )
    problems = obstacles(settings.workspace, [relative])
    if problems:
        raise Refused("; ".join(problems))
    (path,) = write_new(settings.workspace, {relative: text})
    return Created(path, ident, notes)


def _check_title(title: str) -> None:
    if not title.strip():
        raise Refused("the title is empty")
    bad = REFUSED.search(title) or next((c for c in title if c in "\n\r\t\u2028\u2029"), None)
    if bad is not None:
        char = bad if isinstance(bad, str) else bad.group()
        raise Refused(f"the title contains {describe(char)}: a title is one line of text")


def _taken(ident: str, ids: frozenset[str]) -> bool:
    """Whether ``ident`` is among ``ids``, ignoring case: ``feat-3.yaml`` and ``FEAT-3.yaml`` are one spec."""
    return ident.casefold() in {i.casefold() for i in ids}


def _owner(settings: Settings) -> tuple[str, str | None]:
    """The stakeholder a new spec names as its owner, and a note when none exists yet.

    The product's owner when that stakeholder exists, else the first
    stakeholder; with none, the ID ``new stakeholder`` will take, so that one
    command makes the reference good.
    """
    folder = settings.specs_dir / str(KINDS["stakeholder"].folder)
    used = used_ids(folder)
    existing = sorted(used.on_disk, key=natural_key)
    product = _product_owner(settings)
    if product is not None and product in existing:
        return product, None
    if existing:
        return existing[0], None
    planned = used.next_id(KINDS["stakeholder"])
    return (
        planned,
        f'no stakeholder exists yet: `specgen new stakeholder "Name"` creates {planned}, named here as owner',
    )


def _product_owner(settings: Settings) -> str | None:
    """The ``owner`` of the product spec, read like any spec (within the limits, never through a link out)."""
    file = settings.specs_dir / PRODUCT_FILE
    if not file.is_file():
        return None
    text, _ = read_text(file, PRODUCT_FILE, settings.specs_dir, settings.limits, bound_name="the specs folder")
    data, _ = parse(text, PRODUCT_FILE, make_yaml(), settings.limits) if text is not None else (None, [])
    owner = data.get("owner") if isinstance(data, dict) else None
    return owner if isinstance(owner, str) else None
