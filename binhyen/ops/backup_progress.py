"""Progress bars (tqdm, on stderr) for the long steps of `binhyen backup` and `binhyen restore`."""

from __future__ import annotations

from tqdm import tqdm

from binhyen.ops.backup_engines import Bar, Progress, no_progress


def bars(verbosity: int) -> Progress:
    if verbosity == 0:
        return no_progress

    def make(total: int | None, label: str, unit: str) -> Bar:
        scaled = unit == "B"  # bytes: show MB, GB…
        return tqdm(
            total=total,
            desc=label,
            unit=unit,
            unit_scale=scaled,
            unit_divisor=1024 if scaled else 1000,
            leave=False,
        )

    return make
