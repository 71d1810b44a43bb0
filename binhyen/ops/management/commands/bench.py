"""binhyen bench [NAME ...] [--postgres URL] …: the benchmark suite (bench/ in the source checkout).

The benchmarks set Django up against throwaway databases of their own before `django.setup()`, so they
run in a child process (`python -m bench`), never inside this one, whose settings point at real data.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

import binhyen

CHECKOUT = Path(binhyen.__file__).resolve().parent.parent


def run_bench(argv: list[str]) -> int:
    if not (CHECKOUT / "bench" / "__main__.py").exists():
        raise CommandError(_("The benchmarks live in the source checkout (bench/), which is not here."))
    return subprocess.run([sys.executable, "-m", "bench", *argv], cwd=CHECKOUT, check=False).returncode


class Command(BaseCommand):
    help = "Run the benchmarks, each beside its baseline (all by default); `binhyen bench --help` lists them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs="*", help="benchmark names and options, as `python -m bench` takes")

    def run_from_argv(self, argv: list[str]) -> None:
        # Every option (--rounds, --postgres, --help…) belongs to `python -m bench`, not to this wrapper.
        code = run_bench(argv[2:])
        if code:
            sys.exit(code)

    def handle(self, *args: str, **options: Any) -> None:
        code = run_bench(list(args))
        if code:
            raise CommandError(_("The benchmarks stopped with exit code %(code)s.") % {"code": code})
