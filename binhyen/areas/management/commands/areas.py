"""binhyen areas load | import-villages COMMUNE FILE | import-predecessors FILE"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from binhyen.areas import domain, imports
from binhyen.audit import domain as audit


class Command(BaseCommand):
    help = "Administrative units: load the official list, import villages or predecessor mappings."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="import the 34 provinces and 3,321 communes (safe to re-run)")
        villages = sub.add_parser("import-villages", help="import villages of a commune from CSV/XLSX")
        villages.add_argument("commune")
        villages.add_argument("file", type=Path)
        preds = sub.add_parser("import-predecessors", help="import old unit → current unit mappings")
        preds.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        with audit.acting_as(f"system: areas {action}"):
            if action == "load":
                self._load(options["verbosity"])
            elif action == "import-villages":
                commune = self._area(options["commune"])
                self._report(imports.import_villages(commune, self._table(options["file"])))
            else:
                self._report(imports.import_predecessors(self._table(options["file"])))

    def _load(self, verbosity: int) -> None:
        def bar(items: Any) -> Any:
            return tqdm(items, desc="Xã, phường, đặc khu", unit=" đơn vị", disable=verbosity == 0)

        result = domain.load_official_units(progress=bar)
        audit.record(
            "command",
            object_type_label="areas.area",
            detail={"command": "areas load", "created": result.created, "updated": result.updated},
        )
        self.stdout.write(
            f"Đơn vị hành chính: {result.created} mới, {result.updated} cập nhật, "
            f"{result.unchanged} không đổi."
        )

    def _area(self, code: str) -> Any:
        try:
            return domain.get_area(code)
        except domain.AreaError as e:
            raise CommandError(e.message) from None

    def _table(self, path: Path) -> list[dict[str, str]]:
        try:
            return imports.read_table(path.read_bytes(), path.name)
        except FileNotFoundError:
            raise CommandError(f"Không có tệp {path}") from None
        except imports.ImportFileError as e:
            raise CommandError(str(e)) from None

    def _report(self, report: imports.ImportReport) -> None:
        for e in report.errors:
            self.stderr.write(f"Dòng {e.row}, cột «{e.field}»: {e.message}")
        if report.errors:
            raise CommandError(f"Không nhập dòng nào: {len(report.errors)} dòng lỗi.")
        self.stdout.write(f"Đã nhập {report.created} dòng.")
