"""binhyen generate --scale commune|province|nation: synthetic records over the real units (see
binhyen/synth/generate.py for the rules)."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from tqdm import tqdm

from binhyen.synth import generate as synth
from binhyen.synth import plan


def phase_label(key: str) -> str:
    """The phases generate times, in the operator's language (keys stay English in SynthRun.seconds)."""
    labels = {
        "check": _("check"),
        "delete earlier generations": _("delete earlier generations"),
        "plan": _("plan"),
        "load: accounts": _("load: accounts"),
        "load: villages": _("load: villages"),
        "load: organisations and members": _("load: organisations and members"),
        "load: schemes": _("load: schemes"),
        "load: cameras": _("load: cameras"),
        "load: tips": _("load: tips"),
        "load: incidents": _("load: incidents"),
        "load: subscriptions": _("load: subscriptions"),
        "load: alerts": _("load: alerts"),
        "indexes and foreign keys": _("indexes and foreign keys"),
        "sequences and run record": _("sequences and run record"),
        "commit": _("commit"),
        "analyze": _("analyze"),
        "statistics rollups": _("statistics rollups"),
    }
    return labels.get(key, key)


class Bars:
    """One progress bar per table, with rows per second; the previous bar closes when the next opens."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def __call__(self, table: str, total: int) -> Callable[[int], Any]:
        self.close()
        self.bar = tqdm(
            total=total,
            desc=table,
            unit=_(" rows"),
            unit_scale=True,
            disable=not self.enabled,
            mininterval=0.5,
            dynamic_ncols=True,
        )
        return self.bar.update

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = "Fill the database with synthetic records over the real units (load tests, benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=plan.SCALES, required=True)
        parser.add_argument("--seed", type=int, default=1, help="same seed and scale: the same records")
        parser.add_argument(
            "--province", default=plan.DEFAULT_PROVINCE, help="province code (--scale province)"
        )
        parser.add_argument("--commune", default=plan.DEFAULT_COMMUNE, help="commune code (--scale commune)")
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            default=plan.DEFAULT_LAST_DAY,
            help="last day of the three years generated (YYYY-MM-DD)",
        )
        parser.add_argument(
            "--force", action="store_true", help="replace earlier generations, next to real data"
        )
        parser.add_argument("--no-rollups", action="store_true", help="skip rebuilding the statistics")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("vi")
        quiet = options["verbosity"] == 0
        wall = time.perf_counter()
        from binhyen.areas.models import Area

        if Area.objects.count() < 3000:  # the official units are what everything hangs on
            self.stdout.write(_("Loading the 34 provinces and 3,321 communes…"))
            call_command("areas", "load", verbosity=0)
        opts = synth.Options(
            scale=options["scale"],
            seed=options["seed"],
            province=options["province"],
            commune=options["commune"],
            last_day=options["until"],
            force=options["force"],
            rollups=not options["no_rollups"],
        )
        bars = Bars(not quiet)
        try:
            result = synth.generate(opts, bars)
        except synth.SynthError as e:
            raise CommandError(str(e)) from None
        finally:
            bars.close()
        if result.skipped:
            self.stdout.write(result.skipped)
            return
        self.stdout.write(self.summary(result, time.perf_counter() - wall))
        if not opts.rollups:
            self.stdout.write(
                _("Statistics were not rebuilt: run `binhyen stats rebuild` before reading them.")
            )

    def summary(self, result: synth.Result, wall: float) -> str:
        lines = [""]
        if result.deleted:
            lines.append(
                _("Deleted from earlier generations: %(rows)s rows.")
                % {"rows": f"{sum(result.deleted.values()):,}"}
            )
        lines.append(_("Rows written:"))
        width = max(len(t) for t in result.counts)
        for table, n in result.counts.items():
            lines.append(f"  {table.ljust(width)}  {n:>12,}")
        total = sum(result.counts.values())
        lines.append(f"  {_('total').ljust(width)}  {total:>12,}")
        lines.append(_("Seconds per phase:"))
        width = max(len(phase_label(p)) for p in result.seconds)
        for phase, s in result.seconds.items():
            lines.append(f"  {phase_label(phase).ljust(width)}  {s:>9.1f}")
        load = sum(s for p, s in result.seconds.items() if p != "statistics rollups")
        lines.append(
            _(
                "Loaded %(rows)s rows in %(seconds).1f s (%(rate)s rows/s); total %(wall).1f s; "
                "peak memory %(rss).0f MiB."
            )
            % {
                "rows": f"{total:,}",
                "seconds": load,
                "rate": f"{total / max(load, 1e-9):,.0f}",
                "wall": wall,
                "rss": result.peak_rss_mib,
            }
        )
        return "\n".join(lines)
