"""``python -m specgen``: the same as the ``specgen`` command."""

from specgen.cli import main

main()
