"""`binhyen`: every operational command (a thin wrapper over Django's management commands).

binhyen areas load          import the 34 provinces and 3,321 communes
binhyen demo                migrate, load, seed and serve the demo (web + worker)
binhyen worker              run the task worker (database or Redis backend, from settings)
binhyen check --deploy      Django's deployment checks
binhyen <any manage.py command>
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhyen.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "binhyen"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
