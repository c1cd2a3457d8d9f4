"""Matching: which imported results a test case's ``automation_ref`` names.

A result is a JUnit ``<testcase>`` with a ``classname`` and a ``name`` (and
sometimes a ``file``). A ref is matched by the first rule of this table that
finds any result:

==========================================  ==================================================================
``automation_ref``                          results it names
==========================================  ==================================================================
``tests/test_x.py::test_y``                 classname ``tests.test_x``, name ``test_y`` (pytest: the node ID)
``tests/test_x.py::TestC::test_y``          classname ``tests.test_x.TestC``, name ``test_y``
``tests/test_x.py::TestC``                  every test of classname ``tests.test_x.TestC``
``tests/test_x.py``                         every test of the module: classname ``tests.test_x`` or below it
``com.acme.FooTest#testBar``                classname ``com.acme.FooTest``, name ``testBar`` (Java)
``SCOPE::NAME`` (SCOPE not a ``.py`` file)  name NAME, classname SCOPE or file SCOPE (Go ``pkg/path::TestFoo``,
                                            jest ``src/a.test.js::Foo renders``)
``com.acme.FooTest``                        every test of that classname (a Java class; a jest test's full name,
                                            which jest-junit writes as classname and name; a Go package)
``com.acme.FooTest.testBar``                classname ``com.acme.FooTest``, name ``testBar``: split at a ``.``,
                                            the last first (Go: ``github.com/acme/pkg.TestFoo``)
==========================================  ==================================================================

A name matches a result's name exactly; when no result of the class has that
exact name, it matches every result whose name is the name followed by
``[`` (pytest's parametrised ``test_y[a-b]``) or ``(`` (JUnit 5's
``testBar()``, ``testBar(int)[2]``). So ``test_y`` combines all of its
parametrised cases, and a ref may still name one (``test_y[a-b]``). Go
subtests are results of their own (``TestFoo/sub``): ``TestFoo`` is the
parent, whose verdict already covers them. A file attribute matches the
ref's path as written or as its end (jest-junit writes paths relative to its
root; some producers write absolute ones).

Several results for one ref (parametrised cases, a CI matrix writing a file
per job) combine into one (:func:`specgen.results.apply.combine`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from specgen.results.junit import Case

_SPACE = re.compile(r"\s+")


class Index:
    """Results indexed by classname and by file, to look refs up in."""

    def __init__(self, cases: Iterable[Case]) -> None:
        self.by_class: dict[str, list[Case]] = {}
        self.by_file: dict[str, list[Case]] = {}
        for case in cases:
            self.by_class.setdefault(case.classname, []).append(case)
            if case.file:
                self.by_file.setdefault(_file(case.file), []).append(case)
        self._memo: dict[str, list[Case]] = {}

    def lookup(self, ref: str) -> list[Case]:
        """The results ``ref`` names, by the module's table; none when it names none."""
        ref = _SPACE.sub(" ", ref).strip()
        if ref not in self._memo:
            self._memo[ref] = self._find(ref)
        return self._memo[ref]

    def _find(self, ref: str) -> list[Case]:
        head, sep, rest = ref.partition("::")
        if head.endswith(".py"):
            return self._pytest(head, rest.split("::") if sep else [])
        if sep:
            scoped = self.by_class.get(head, []) + [c for c in self._files(head) if c.classname != head]
            return _named(scoped, rest)
        scope, sep, name = ref.rpartition("#")
        if sep:
            return _named(self.by_class.get(scope, []), name)
        if ref in self.by_class:
            return list(self.by_class[ref])
        for at in reversed([i for i, c in enumerate(ref) if c == "."]):
            found = _named(self.by_class.get(ref[:at], []), ref[at + 1 :])
            if found:
                return found
        return []

    def _pytest(self, path: str, names: list[str]) -> list[Case]:
        """A pytest node ID: the file's path as a dotted module, then classes, then the test."""
        module = path.removeprefix("./").removesuffix(".py").replace("/", ".")
        if not names:
            return [c for k, cases in self.by_class.items() if k == module or k.startswith(module + ".") for c in cases]
        classname = ".".join([module, *names[:-1]])
        return _named(self.by_class.get(classname, []), names[-1]) or list(
            self.by_class.get(f"{classname}.{names[-1]}", [])
        )

    def _files(self, path: str) -> list[Case]:
        """Results whose file attribute is ``path``, or ends with it."""
        wanted = _file(path)
        if wanted in self.by_file:
            return self.by_file[wanted]
        return [c for f, cases in self.by_file.items() if f.endswith("/" + wanted) for c in cases]


def _named(cases: Sequence[Case], name: str) -> list[Case]:
    """The cases of that exact name, else those whose name is ``name`` and then parameters."""
    if not name:
        return []
    exact = [c for c in cases if c.name == name]
    return exact or [c for c in cases if c.name.startswith(name) and c.name[len(name) : len(name) + 1] in ("[", "(")]


def _file(path: str) -> str:
    return path.replace("\\", "/").removeprefix("./")
