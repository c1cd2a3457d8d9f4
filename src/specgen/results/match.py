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
exact name, it matches every result whose name is the name followed by its
parameters, from its first ``[`` (pytest's parametrised ``test_y[a-b]``) or
``(`` (JUnit 5's ``testBar()``, ``testBar(int)[2]``). So ``test_y``
combines all of its parametrised cases, and a ref may still name one
(``test_y[a-b]``). Go
subtests are results of their own (``TestFoo/sub``): ``TestFoo`` is the
parent, whose verdict already covers them. A file attribute matches the
ref's path as written or as its end (jest-junit writes paths relative to its
root; some producers write absolute ones).

Several results for one ref (parametrised cases, a CI matrix writing a file
per job) combine into one (:func:`specgen.results.apply.combine`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from specgen.results.junit import Case

_SPACE = re.compile(r"\s+")


class _Names:
    """The results of one class, by exact name and by name without its parameters."""

    def __init__(self) -> None:
        self.cases: list[Case] = []
        self.exact: dict[str, list[Case]] = {}
        self.base: dict[str, list[Case]] = {}

    def add(self, case: Case) -> None:
        self.cases.append(case)
        self.exact.setdefault(case.name, []).append(case)
        cut = _PARAMS.search(case.name)
        if cut and cut.start():
            self.base.setdefault(case.name[: cut.start()], []).append(case)

    def named(self, name: str) -> list[Case]:
        """The cases of that exact name, else those whose name is ``name`` and then parameters."""
        if not name:
            return []
        return list(self.exact.get(name) or self.base.get(name, []))


_NONE = _Names()


class Index:
    """Results indexed by classname and by file, to look refs up in.

    Each lookup costs a few dictionary probes or binary searches, however
    many results there are: a CI run can write hundreds of thousands.
    """

    def __init__(self, cases: Iterable[Case]) -> None:
        self.by_class: dict[str, _Names] = {}
        self.by_file: dict[str, list[Case]] = {}
        for case in cases:
            self.by_class.setdefault(case.classname, _Names()).add(case)
            if case.file:
                self.by_file.setdefault(_file(case.file), []).append(case)
        #: Classnames sorted, so that those below a module are one range.
        self._classes = sorted(self.by_class)
        #: File paths reversed and sorted, so that those ending with a path are one range.
        self._ends = sorted(path[::-1] for path in self.by_file)
        self._scoped: dict[str, _Names] = {}
        self._memo: dict[str, list[Case]] = {}

    def lookup(self, ref: str) -> list[Case]:
        """The results ``ref`` names, by the module's table; none when it names none."""
        ref = _SPACE.sub(" ", ref).strip()
        if ref not in self._memo:
            self._memo[ref] = self._find(ref)
        return self._memo[ref]

    def _class(self, classname: str) -> _Names:
        return self.by_class.get(classname, _NONE)

    def _find(self, ref: str) -> list[Case]:
        head, sep, rest = ref.partition("::")
        if head.endswith(".py"):
            return self._pytest(head, rest.split("::") if sep else [])
        if sep:
            return self._scope(head).named(rest)
        scope, sep, name = ref.rpartition("#")
        if sep:
            return self._class(scope).named(name)
        if ref in self.by_class:
            return list(self.by_class[ref].cases)
        for at in reversed([i for i, c in enumerate(ref) if c == "."]):
            found = self._class(ref[:at]).named(ref[at + 1 :])
            if found:
                return found
        return []

    def _pytest(self, path: str, names: list[str]) -> list[Case]:
        """A pytest node ID: the file's path as a dotted module, then classes, then the test."""
        module = path.removeprefix("./").removesuffix(".py").replace("/", ".")
        if not names:
            below = _starting(self._classes, module + ".")
            return [c for k in [module, *below] for c in self._class(k).cases]
        classname = ".".join([module, *names[:-1]])
        return self._class(classname).named(names[-1]) or list(self._class(f"{classname}.{names[-1]}").cases)

    def _scope(self, scope: str) -> _Names:
        """The results of classname ``scope`` and those of file ``scope`` (or a file ending with it)."""
        if scope not in self._scoped:
            names = _Names()
            for case in self._class(scope).cases + [c for c in self._files(scope) if c.classname != scope]:
                names.add(case)
            self._scoped[scope] = names
        return self._scoped[scope]

    def _files(self, path: str) -> list[Case]:
        """Results whose file attribute is ``path``, or ends with it."""
        wanted = _file(path)
        if wanted in self.by_file:
            return self.by_file[wanted]
        return [c for end in _starting(self._ends, ("/" + wanted)[::-1]) for c in self.by_file[end[::-1]]]


def _starting(ordered: list[str], prefix: str) -> list[str]:
    """The strings of a sorted list that start with ``prefix``: one range, found by binary search."""
    start = bisect.bisect_left(ordered, prefix)
    stop = bisect.bisect_left(ordered, prefix[:-1] + chr(ord(prefix[-1]) + 1), lo=start)
    return ordered[start:stop]


_PARAMS = re.compile(r"[\[(]")


def _file(path: str) -> str:
    return path.replace("\\", "/").removeprefix("./")
