"""`binhyen stats rebuild|run|status`: keep the rollup tables by hand (the worker does it on its own)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from binhyen.audit import domain as audit
from binhyen.stats import bulk, registry, rollup


class Command(BaseCommand):
    help = "Thống kê: rebuild (tính lại toàn bộ), run (xử lý hàng đợi thay đổi), status."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "run", "status"])
        parser.add_argument(
            "--source",
            action="append",
            default=[],
            help="Chỉ tính lại nguồn này (tips, incidents, …); lặp lại được.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        action = options["action"]
        if action == "status":
            self.stdout.write(
                f"Đang chờ tổng hợp: {rollup.pending()} thay đổi; "
                f"cập nhật lần cuối: {rollup.last_update() or '—'}"
            )
            return
        with audit.acting_as(f"command: stats {action}"):
            if action == "run":
                bar = tqdm(total=rollup.pending(), desc="Tổng hợp thay đổi", unit=" ô", disable=quiet)
                done = rollup.run(progress=bar.update)
                bar.close()
                self.stdout.write(f"Đã tổng hợp {done} ô (nguồn, xã, ngày).")
                return
            known = {s.key: s for s in registry.sources()}
            unknown = [k for k in options["source"] if k not in known]
            if unknown:
                self.stderr.write(
                    f"Không có nguồn số liệu: {', '.join(unknown)}. Có: {', '.join(sorted(known))}."
                )
                raise SystemExit(2)
            chosen = [known[k] for k in options["source"]] or list(known.values())
            written = 0
            for source in tqdm(chosen, desc="Tính lại số liệu", unit=" nguồn", disable=quiet):
                # The set-based rebuild: same rows as rollup.rebuild (tests/test_stats_bulk.py), in SQL,
                # with memory bounded at national scale; one transaction per source.
                written += bulk.rebuild_source(source)
            self.stdout.write(f"Đã ghi {written} dòng số liệu tổng hợp.")
