"""The check of Markdown text: every field rendered once, and spec IDs written in prose that name nothing.

An ID in prose (``see FEAT-12``) becomes a link on the site; one that names no
spec stays plain text there, and ``specgen check`` says so here, located at the
field that holds it. Finding the IDs takes rendering (an ID in a code span is
code), so the check renders every Markdown field, keeping the result in the
per-file cache; the build then reuses it.
"""

from __future__ import annotations

from collections.abc import Sequence

from specgen.cache import FileCache
from specgen.diagnostics import Diagnostic, Pointer
from specgen.kinds import natural_key, walk
from specgen.loader import Document
from specgen.rules import entity_id
from specgen.suggest import Candidates, did_you_mean
from specgen.text.fields import keep_only, marked, remember, rendered
from specgen.text.markdown import Rendered
from specgen.text.refs import shorter_forms


def known_ids(documents: Sequence[Document]) -> set[str]:
    """Every ID an ID reference in prose may name: specs, requirements (``FEAT-1.R2``) and test cases."""
    known: set[str] = set()
    for doc in documents:
        ident = entity_id(doc)
        if ident is None:
            continue
        known.add(ident)
        if doc.kind.name == "feature":
            for _, value in walk(doc.data, ("requirements", "*", "id")):
                known.add(f"{ident}.{value}")
            for _, value in walk(doc.data, ("test_cases", "*", "id")):
                if isinstance(value, str):
                    known.add(value)
    return known


def check_texts(valid: Sequence[Document], files: FileCache | None, known: set[str]) -> list[Diagnostic]:
    """Render the Markdown fields of ``valid`` documents (what the cache holds is reused, the rest stored) and
    warn about each spec ID in them that names nothing in ``known``."""
    problems: list[Diagnostic] = []
    kept: set[tuple[str, str]] = set()
    # In ID order, prepared once (when first needed): a set's order changes from run to run, and so
    # would a tied suggestion.
    candidates: Candidates | None = None
    for doc in valid:
        texts = marked(doc.kind.name, doc.data)
        cached = files.rendered(doc.path, doc.digest) if files else None
        if cached is None or not all(i < len(texts) for i, *_ in cached):
            cached = []
            seen: set[tuple[str, str]] = set()
            for i, (_, text, kind) in enumerate(texts):
                if (kind, text) in seen:  # a YAML alias repeats a text: stored, and warned about, once
                    continue
                seen.add((kind, text))
                result = rendered(text, kind)
                if result.inline != text:  # a text plain enough needs no rendering: not worth a cache entry
                    cached.append((i, result.html, result.inline, list(result.refs)))
            if files:
                files.store_rendered(doc.path, doc.digest, cached)
        else:
            for i, block, inline, refs in cached:
                _, text, kind = texts[i]
                remember(text, kind, Rendered(block, inline, tuple(refs)))
        # Only a text that took rendering can hold an ID: the fast path refuses "X-".
        for i, _block, _inline, refs in cached:
            kept.add((texts[i][2], texts[i][1]))
            for ident, _line in refs:
                if not any(form in known for form in shorter_forms(ident)):
                    if candidates is None:
                        candidates = Candidates(tuple(sorted(known, key=natural_key)))
                    problems.append(_unknown(doc, texts[i][0], ident, candidates))
    keep_only(kept)  # plain texts render in microseconds wherever a page needs them
    return problems


def _unknown(doc: Document, pointer: Pointer, ident: str, known: Candidates) -> Diagnostic:
    return Diagnostic.of(
        "SG311",
        doc.path,
        f"{ident!r} in this text names no known spec, so it is shown as plain text",
        pointer=pointer,
        hint=did_you_mean(ident, known),
    )
