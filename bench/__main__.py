"""`python -m bench [NAME ...] [--rounds N] [--postgres URL] [--keep]`.

Runs the named benchmarks (all of them by default) against a throwaway SQLite file under /tmp; with
--postgres, runs them again in a child process against that PostgreSQL database (created if missing).
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench import BENCHMARKS, make_var_dir, setup_django

# Serves the app with gunicorn on a PostgreSQL database of its own (see bench/tips_intake.py).
BENCHMARKS.setdefault("tips_intake", "bench.tips_intake")
# 1,000,000 cameras on SQLite and on a PostgreSQL database of its own (see bench/cameras_near.py).
BENCHMARKS.setdefault("cameras_near", "bench.cameras_near")
# One alert to N webhook recipients through the real fan-out, with database and RQ workers, against a
# local HTTP sink's raw capacity (see bench/alerts_fanout.py).
BENCHMARKS.setdefault("alerts_fanout", "bench.alerts_fanout")
# The national annual report over N incidents on SQLite and a PostgreSQL database of its own, against
# DuckDB (see bench/stats_report.py).
BENCHMARKS.setdefault("stats_report", "bench.stats_report")
# `binhyen generate` at a scale into SQLite and PostgreSQL, against each database's own server-side
# insert of the same number of rows (see bench/generate.py).
BENCHMARKS.setdefault("generate", "bench.generate")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all: {', '.join(BENCHMARKS)})"
    )
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over all provinces (default 5)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also run against PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/binhyen_bench",
    )
    parser.add_argument("--keep", action="store_true", help="keep the /tmp/bench-var-<pid> directory")
    parser.add_argument(
        "--incidents", type=int, help="stats_report: incidents to generate (default 10,000,000)"
    )
    parser.add_argument(
        "--recipients", type=int, help="alerts_fanout: recipients of the one alert (default 10,000)"
    )
    # Internal: the child process that runs against --postgres.
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def run_here(names: list[str], rounds: int, database_url: str | None, keep: bool) -> None:
    var_dir: Path = make_var_dir()
    try:
        db = setup_django(database_url, var_dir)
        for name in names:
            module = importlib.import_module(BENCHMARKS[name])
            module.run(db, rounds)
    finally:
        if keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names: list[str] = args.names or list(BENCHMARKS)
    if args.incidents:
        os.environ["BENCH_STATS_INCIDENTS"] = str(args.incidents)  # read by bench.stats_report
    if args.postgres:
        os.environ.setdefault("BENCH_STATS_POSTGRES", args.postgres)  # read by bench.stats_report
    if args.recipients:
        os.environ["BENCH_ALERTS_RECIPIENTS"] = str(args.recipients)  # read by bench/alerts_fanout.py
    run_here(names, args.rounds, args.database_url, args.keep)
    if args.postgres and not args.database_url:
        # Settings are read once per process, so PostgreSQL gets a process of its own.
        print(flush=True)
        child = [sys.executable, "-m", "bench", *names, "--rounds", str(args.rounds)]
        child += ["--database-url", args.postgres] + (["--keep"] if args.keep else [])
        return subprocess.run(child, check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
