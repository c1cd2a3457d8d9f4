"""Prompts: text that ``specgen new`` wrote for a product manager to replace, reported as SG320.

A prompt starts with :data:`PROMPT` (``✎``, the pencil) and says what to
write: ``"✎ Who has the problem, how they cope today"``. It is valid for its
field's schema, so a new spec checks and builds at once; SG320 is a warning,
so ``check`` exits 0 and ``--strict`` (CI, the pre-commit hook) fails until
every prompt is replaced. No one writes real content that starts with the
pencil, so nothing else is taken for a prompt; and a prompt is never a
placeholder error (SG207): it is looked for first.
"""

from __future__ import annotations

from specgen.diagnostics import Diagnostic, Pointer, pointer_text

#: The mark every prompt starts with.
PROMPT = "\u270e"


def is_prompt(value: str) -> bool:
    """Whether ``value`` is a prompt (leading spaces aside)."""
    return value.lstrip().startswith(PROMPT)


def prompt_left(path: str, pointer: Pointer, value: str) -> Diagnostic:
    """SG320 for the prompt ``value`` at ``pointer``."""
    shown = value.strip()
    if len(shown) > 60:
        shown = shown[:59] + "\u2026"
    return Diagnostic.of(
        "SG320",
        path,
        f"{pointer_text(pointer)}: still the prompt {shown!r}",
        pointer=pointer,
        hint="replace it with the real text, or remove the key if it is optional",
    )
