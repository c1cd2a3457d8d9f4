"""Results: test results from CI (JUnit XML) put on the test cases.

One job, one module a step, data flowing one way:
:mod:`~specgen.results.files` (the ``--results`` paths and globs, read within
the size limit) -> :mod:`~specgen.results.junit` (safe parsing into plain
records) -> :mod:`~specgen.results.match` (``automation_ref`` to results) ->
:mod:`~specgen.results.apply` (the model with the results on its test cases,
and findings SG411-SG413). Reading a file that is not JUnit XML is SG410.

Results come only from the command line (``specgen check|build --results``)
or the API, never from ``specgen.yaml``: a check without them (the pre-commit
hook) reads the specs alone.
"""

from specgen.results.apply import Imported, apply_results, combine, findings, read_results
from specgen.results.junit import Case, parse
from specgen.results.match import Index

__all__ = ["Case", "Imported", "Index", "apply_results", "combine", "findings", "parse", "read_results"]
