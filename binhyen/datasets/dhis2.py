"""DHIS2 data exchange: data value sets in and out (https://docs.dhis2.org, Web API › Data › Data values).

Identifiers are codes (DHIS2 `idScheme=code`): data elements and data sets by their code, org units by the
administrative code, periods by their id (stats.periods: DHIS2 ids such as 202103, 2021Q1, 2021S1, 2021,
plus the police periods 2021P03, 2021PQ1, 2021PS1, 2021P, which DHIS2 does not know). Values are written as
DHIS2 writes them ("12", "12.5"); every value has the default category option combo except the computed
indicators' breakdowns, whose subgroup code is the `categoryOptionCombo`.

Export (`GET /api/v1/dataValueSets`): the entered data values (any status: DHIS2 stores values apart from
their approval; `approvedOnly=true` keeps the approved ones) and, unless a data set is named, the
indicators the system computes from its records for the requested periods (element code = indicator
code, from the statistics rollups). JSON, CSV (DHIS2's column order) and ADX (IHE QRPH, ISO
start/duration periods).

Import (`POST`): JSON or CSV into entered values, row by row: a refused row becomes a conflict and the
good rows are kept; DHIS2's ImportSummary comes back.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.areas.models import Area
from binhyen.datasets import domain
from binhyen.datasets.domain import DataSetError
from binhyen.datasets.models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    EventAction,
    Submission,
    SubmissionEvent,
)
from binhyen.stats import periods, query, registry, rollup
from binhyen.stats.periods import Period, PeriodError, PeriodKind

ADX_NS = "urn:ihe:qrph:adx:2015"
CSV_COLUMNS = [
    "dataelement", "period", "orgunit", "catoptcombo", "attroptcombo",
    "value", "storedby", "lastupdated", "comment", "followup",
]  # fmt: skip
DEFAULT_COMBOS = {"", "default", "HllvX50cXC0"}  # DHIS2's default category option combo (code, uid)
INDICATORS_DATASET = "binhyen_indicators"  # ADX group of the computed indicators
SYSTEM = "binhyen"
MAX_ROWS = 100_000
OWN = {domain.INDICATOR_VALUE, domain.INDICATOR_REPORTS}
STRATEGIES = ("CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE")


# --- export -------------------------------------------------------------------------------------------


@dataclass
class ExportQuery:
    units: list[Area]
    periods: list[Period] = field(default_factory=list)
    start: datetime.date | None = None
    end: datetime.date | None = None
    children: bool = False
    datasets: list[DataSet] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)  # filter by element / indicator codes
    approved_only: bool = False


@dataclass
class Row:
    data_element: str
    period: str
    org_unit: str
    value: str
    category_option_combo: str = ""
    stored_by: str = SYSTEM
    created: datetime.datetime | None = None
    last_updated: datetime.datetime | None = None
    comment: str = ""
    followup: bool = False
    dataset: str = INDICATORS_DATASET
    period_obj: Period | None = None


def _bool(text: str | None) -> bool:
    return (text or "").strip().lower() in ("true", "1", "yes")


def _date(text: str, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise DataSetError(f"{name}: «{text[:20]}» không phải ngày dạng YYYY-MM-DD.", name) from None


def parse_query(
    user: Any,
    org_units: Sequence[str],
    period_ids: Sequence[str] = (),
    start: str = "",
    end: str = "",
    children: str = "",
    dataset_codes: Sequence[str] = (),
    element_codes: Sequence[str] = (),
    approved_only: str = "",
) -> ExportQuery:
    """The export's parameters checked; the user must view statistics over every org unit."""
    codes = [c for c in org_units if c and c.strip()]
    if not codes:
        raise DataSetError("Cần ít nhất một đơn vị: orgUnit=<mã đơn vị>.", "orgUnit")
    units: list[Area] = []
    for code in codes:
        area = domain.resolve_unit(code)
        if not has_perm(user, Perm.VIEW_STATS, area):
            raise domain.DataSetForbidden(f"Bạn không có quyền xem số liệu của {area.name}.")
        units.append(area)
    q = ExportQuery(units, children=_bool(children), approved_only=_bool(approved_only))
    for pid in [p for p in period_ids if p and p.strip()]:
        try:
            q.periods.append(periods.parse(pid))
        except PeriodError as e:
            raise DataSetError(str(e), "period") from None
    if not q.periods:
        if not (start and end):
            raise DataSetError("Cần kỳ báo cáo: period=<mã kỳ>, hoặc cả startDate và endDate.", "period")
        q.start, q.end = _date(start, "startDate"), _date(end, "endDate")
        if q.end < q.start:
            raise DataSetError("endDate phải sau hoặc bằng startDate.", "endDate")
    for code in [c for c in dataset_codes if c and c.strip()]:
        q.datasets.append(domain.get_dataset(code))
    q.elements = [c.strip() for c in element_codes if c and c.strip()]
    return q


def _value_rows(q: ExportQuery) -> list[Row]:
    qs = DataValue.objects.select_related("area", "submission__dataset")
    where = Q(pk__in=[])
    for unit in q.units:
        where |= Q(area_path__gte=unit.path, area_path__lt=unit.path + "z") if q.children else Q(area=unit)
    qs = qs.filter(where)
    if q.periods:
        qs = qs.filter(period__in=[p.id for p in q.periods])
    else:
        qs = qs.filter(period_start__gte=q.start, submission__period_end__lte=q.end)
    if q.datasets:
        qs = qs.filter(element__memberships__dataset__in=q.datasets).distinct()
    if q.elements:
        qs = qs.filter(element_code__in=q.elements)
    if q.approved_only:
        qs = qs.filter(approved=True)
    return [
        Row(
            v.element_code,
            v.period,
            v.area.code,
            domain.format_value(v.value),
            stored_by=v.stored_by,
            created=v.created,
            last_updated=v.last_updated,
            comment=v.comment,
            dataset=v.submission.dataset.code,
            period_obj=periods.parse(v.period),
        )
        for v in qs.order_by("period_start", "area_path", "element_code")
    ]


def indicator_codes(wanted: Sequence[str] = ()) -> list[str]:
    codes = [i.code for i in registry.indicators() if i.code not in OWN] + [
        d.code for d in registry.derived()
    ]
    return [c for c in codes if not wanted or c in wanted]


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    return domain.format_value(Decimal(str(round(value, 3))))


def _indicator_rows(q: ExportQuery) -> list[Row]:
    codes = indicator_codes(q.elements)
    if not codes or not q.periods:
        return []
    updated = rollup.last_update()
    out: list[Row] = []
    for unit in q.units:
        kids: dict[str, Area] = {}
        if q.children:
            kids = {a.path: a for a in Area.objects.filter(parent=unit)}
        for period in q.periods:

            def add(
                code: str, area_code: str, value: float | None, sub: str = "", p: Period = period
            ) -> None:
                text = _number(value)
                if text is not None:
                    out.append(Row(code, p.id, area_code, text, sub, created=updated, last_updated=updated,
                                   period_obj=p))  # fmt: skip

            for code in codes:
                add(code, unit.code, query.value(code, unit.path, period.start, period.end))
                subs: dict[str, float] = {}
                if code in registry._indicators and registry.indicator(code).subgroup:
                    subs = query.breakdown(code, unit.path, period.start, period.end)
                    for sub, v in subs.items():
                        add(code, unit.code, v, sub)
                if not kids:
                    continue
                if code in registry._derived:
                    for path, area in kids.items():
                        add(code, area.code, query.value(code, path, period.start, period.end))
                    continue
                values = query.children(code, unit.path, period.start, period.end)
                for path, area in kids.items():
                    add(code, area.code, values.get(path, 0.0))
                for sub in subs:
                    by_child = query.children(code, unit.path, period.start, period.end, sub)
                    for path, v in by_child.items():
                        if path in kids and v:
                            add(code, kids[path].code, v, sub)
    return out


def export_rows(q: ExportQuery) -> list[Row]:
    rows = _value_rows(q)
    if not q.datasets:
        rows += _indicator_rows(q)
    return rows


def _stamp(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def to_json(q: ExportQuery, rows: list[Row]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if len(q.datasets) == 1:
        out["dataSet"] = q.datasets[0].code
    if len(q.periods) == 1:
        out["period"] = q.periods[0].id
    if len(q.units) == 1 and not q.children:
        out["orgUnit"] = q.units[0].code
    if len(q.datasets) == 1 and len(q.periods) == 1 and "orgUnit" in out:
        sub = Submission.objects.filter(
            dataset=q.datasets[0], area=q.units[0], period=q.periods[0].id
        ).first()
        if sub is not None and sub.status in domain.COMPLETE and sub.submitted_at:
            out["completeDate"] = timezone.localtime(sub.submitted_at).date().isoformat()
    values = []
    for r in rows:
        item: dict[str, Any] = {"dataElement": r.data_element, "period": r.period, "orgUnit": r.org_unit}
        if r.category_option_combo:
            item["categoryOptionCombo"] = r.category_option_combo
        item.update(
            {
                "value": r.value,
                "storedBy": r.stored_by,
                "created": _stamp(r.created),
                "lastUpdated": _stamp(r.last_updated),
                "followup": r.followup,
            }  # fmt: skip
        )
        if r.comment:
            item["comment"] = r.comment
        values.append(item)
    out["dataValues"] = values
    return out


def to_csv(rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.data_element,
                r.period,
                r.org_unit,
                r.category_option_combo,
                "",
                r.value,
                r.stored_by,
                _stamp(r.last_updated),
                r.comment,
                "true" if r.followup else "false",
            ]  # fmt: skip
        )
    return buffer.getvalue()


_DURATIONS = {
    PeriodKind.DAY: "P1D",
    PeriodKind.WEEK: "P7D",
    PeriodKind.MONTH: "P1M",
    PeriodKind.POLICE_MONTH: "P1M",
    PeriodKind.QUARTER: "P3M",
    PeriodKind.POLICE_QUARTER: "P3M",
    PeriodKind.HALF_YEAR: "P6M",
    PeriodKind.POLICE_HALF_YEAR: "P6M",
    PeriodKind.YEAR: "P1Y",
    PeriodKind.POLICE_YEAR: "P1Y",
    PeriodKind.FINANCIAL_NOV: "P1Y",
    PeriodKind.ASSESSMENT_RESIDENTIAL: "P1Y",
    PeriodKind.ASSESSMENT_COMMUNE: "P1Y",
}


def adx_period(period: Period) -> str:
    """ADX writes a period as its ISO start date and duration: 2021-01-01/P1M; a police month (15th to
    14th) is 2020-12-15/P1M."""
    duration = _DURATIONS.get(period.kind, f"P{period.days}D")
    return f"{period.start.isoformat()}/{duration}"


def to_adx(rows: Iterable[Row]) -> bytes:
    ET.register_namespace("", ADX_NS)
    root = ET.Element(f"{{{ADX_NS}}}adx", {"exported": timezone.now().isoformat(timespec="seconds")})
    groups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    order: list[tuple[str, str, str]] = []
    for r in rows:
        key = (r.dataset, r.org_unit, r.period)
        if key not in groups:
            order.append(key)
        groups[key].append(r)
    for key in order:
        dataset, org_unit, _period = key
        first = groups[key][0]
        period = first.period_obj or periods.parse(first.period)
        group = ET.SubElement(
            root,
            f"{{{ADX_NS}}}group",
            {"orgUnit": org_unit, "period": adx_period(period), "dataSet": dataset},
        )
        for r in groups[key]:
            attrs = {"dataElement": r.data_element, "value": r.value}
            if r.category_option_combo:
                attrs["categoryOptionCombo"] = r.category_option_combo
            ET.SubElement(group, f"{{{ADX_NS}}}dataValue", attrs)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


# --- import -------------------------------------------------------------------------------------------


@dataclass
class InRow:
    index: int  # position in the payload (0-based data rows), as DHIS2 reports conflicts
    data_element: str = ""
    period: str = ""
    org_unit: str = ""
    category_option_combo: str = ""
    attribute_option_combo: str = ""
    value: Any = None
    comment: str | None = None


@dataclass
class Payload:
    rows: list[InRow]
    dataset: str = ""
    complete_date: str = ""
    period: str = ""
    org_unit: str = ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def read_json(body: bytes) -> Payload:
    """A DHIS2 JSON data value set; DataSetError (400) when it is not one."""
    try:
        data = json.loads(body.decode("utf-8-sig") or "null")
    except (UnicodeDecodeError, ValueError):
        raise DataSetError("Nội dung gửi lên không phải JSON hợp lệ (UTF-8).", "body", status=400) from None
    if not isinstance(data, dict) or not isinstance(data.get("dataValues"), list):
        raise DataSetError(
            'Cần một đối tượng JSON có danh sách "dataValues" (định dạng data value set của DHIS2).',
            "dataValues",
            status=400,
        )
    items = data["dataValues"]
    if len(items) > MAX_ROWS:
        raise DataSetError(
            f"Tối đa {MAX_ROWS:,} giá trị mỗi lần gửi.".replace(",", "."), "dataValues", status=413
        )
    top = {k: _text(data.get(k)) for k in ("dataSet", "completeDate", "period", "orgUnit")}
    rows = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            item = {}
        value = item.get("value")
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = format(Decimal(str(value)), "f")
        rows.append(
            InRow(
                i,
                _text(item.get("dataElement")),
                _text(item.get("period")) or top["period"],
                _text(item.get("orgUnit")) or top["orgUnit"],
                _text(item.get("categoryOptionCombo")),
                _text(item.get("attributeOptionCombo")),
                value,
                None if item.get("comment") is None else _text(item.get("comment")),
            )
        )
    return Payload(rows, top["dataSet"], top["completeDate"], top["period"], top["orgUnit"])


HEADER_NAMES = {"dataelement", "data element", "de", "dataelementid"}


def read_csv(body: bytes) -> Payload:
    """DHIS2 CSV: dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,
    followup. A first row naming the columns is skipped; storedby, lastupdated and followup are ignored
    (the system records who sent the value and when)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataSetError("Tệp CSV phải mã hoá UTF-8.", "body", status=400) from None
    rows: list[InRow] = []
    reader = csv.reader(io.StringIO(text))
    index = 0
    for n, cells in enumerate(reader):
        if not any(c.strip() for c in cells):
            continue
        if n == 0 and cells[0].strip().strip('"').lower() in HEADER_NAMES:
            continue
        cells = [c.strip() for c in cells] + [""] * (10 - len(cells))
        rows.append(InRow(index, cells[0], cells[1], cells[2], cells[3], cells[4], cells[5] or None,
                          cells[8] or None))  # fmt: skip
        index += 1
        if index > MAX_ROWS:
            raise DataSetError(f"Tối đa {MAX_ROWS:,} dòng mỗi lần gửi.".replace(",", "."), "body", status=413)
    return Payload(rows)


@dataclass
class Conflict:
    object: str
    value: str
    index: int | None = None
    forbidden: bool = False


@dataclass
class ImportSummary:
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    data_set_complete: str = "false"
    dry_run: bool = False

    @property
    def status(self) -> str:
        if not self.conflicts:
            return "SUCCESS"
        return "WARNING" if self.imported + self.updated + self.deleted else "ERROR"

    @property
    def only_forbidden(self) -> bool:
        return bool(self.conflicts) and all(c.forbidden for c in self.conflicts)

    def as_dict(self) -> dict[str, Any]:
        conflicts = []
        for c in self.conflicts:
            item: dict[str, Any] = {"object": c.object, "value": c.value}
            if c.index is not None:
                item["indexes"] = [c.index]
            conflicts.append(item)
        descriptions = {
            "SUCCESS": "Đã nhận toàn bộ số liệu.",
            "WARNING": "Đã nhận các giá trị hợp lệ; các giá trị bị từ chối có trong conflicts.",
            "ERROR": "Không nhận được giá trị nào; xem lý do trong conflicts.",
        }
        return {
            "responseType": "ImportSummary",
            "status": self.status,
            "description": descriptions[self.status] + (" (chạy thử: chưa lưu gì)" if self.dry_run else ""),
            "importCount": {
                "imported": self.imported,
                "updated": self.updated,
                "ignored": self.ignored,
                "deleted": self.deleted,
            },
            "conflicts": conflicts,
            "dataSetComplete": self.data_set_complete,
        }


class _Refused(Exception):
    def __init__(self, obj: str, message: str, forbidden: bool = False) -> None:
        super().__init__(message)
        self.obj, self.message, self.forbidden = obj, message, forbidden


class _Importer:
    """Caches lookups across rows (a file repeats the same elements, units and forms)."""

    def __init__(self, user: Any, dataset_code: str) -> None:
        self.user = user
        self.elements: dict[str, DataElement | None] = {}
        self.units: dict[str, Area | DataSetError] = {}
        self.periods: dict[str, Period | DataSetError] = {}
        self.forms: dict[tuple[int, int, str], Submission] = {}
        self.touched: dict[int, int] = defaultdict(int)
        self.dataset: DataSet | None = None
        self.memberships: dict[int, list[DataSet]] = {}
        if dataset_code:
            self.dataset = domain.get_dataset(dataset_code)

    def element(self, code: str) -> DataElement:
        if not code:
            raise _Refused("dataElement", "Thiếu mã chỉ tiêu (dataElement).")
        if code not in self.elements:
            self.elements[code] = DataElement.objects.filter(code=code).first()
        element = self.elements[code]
        if element is None:
            if registry.known(code):
                raise _Refused(code, f"«{code}» là chỉ tiêu tính từ sổ sách, không nhập được.")
            raise _Refused(code, f"Không có chỉ tiêu mã «{code[:50]}».")
        return element

    def unit(self, code: str) -> Area:
        if code not in self.units:
            try:
                self.units[code] = domain.resolve_unit(code)
            except DataSetError as e:
                self.units[code] = e
        found = self.units[code]
        if isinstance(found, DataSetError):
            raise _Refused(code or "orgUnit", found.message)
        return found

    def period(self, pid: str) -> Period:
        if not pid:
            raise _Refused("period", "Thiếu kỳ báo cáo (period).")
        if pid not in self.periods:
            try:
                self.periods[pid] = periods.parse(pid)
            except PeriodError as e:
                self.periods[pid] = DataSetError(str(e), "period")
        found = self.periods[pid]
        if isinstance(found, DataSetError):
            raise _Refused(pid, found.message)
        return found

    def dataset_for(self, element: DataElement, period: Period, area: Area) -> DataSet:
        if self.dataset is not None:
            if not any(m.element_id == element.pk for m in self.dataset.members.all()):
                raise _Refused(
                    element.code, f"Biểu «{self.dataset.code}» không có chỉ tiêu «{element.code}»."
                )
            return self.dataset
        if element.pk not in self.memberships:
            self.memberships[element.pk] = [
                m.dataset for m in DataSetElement.objects.filter(element=element).select_related("dataset")
            ]
        for ds in self.memberships[element.pk]:
            if ds.period_kind == period.kind and ds.level == area.level:
                return ds
        kinds = "; ".join(
            f"{ds.code}: {periods.kind_name(ds.period_kind).lower()}, cấp {domain.LEVEL_NAMES[ds.level]}"
            for ds in self.memberships[element.pk]
        )
        raise _Refused(
            period.id,
            f"Chỉ tiêu «{element.code}» không nhập theo loại kỳ này cho {area.name}"
            + (f" (được nhập trong: {kinds})." if kinds else " (chưa thuộc biểu mẫu nào)."),
        )

    def submission(self, dataset: DataSet, area: Area, period: Period, dry_run: bool) -> Submission | None:
        key = (dataset.pk, area.pk, period.id)
        if key not in self.forms:
            sub = domain.find_submission(dataset, area, period)
            if sub is None:
                if dry_run:
                    return None
                sub = domain.get_or_create_submission(self.user, dataset, area, period)
            self.forms[key] = sub
        return self.forms[key]


def _row(imp: _Importer, row: InRow, strategy: str, dry_run: bool, summary: ImportSummary) -> None:
    element = imp.element(row.data_element)
    period = imp.period(row.period)
    area = imp.unit(row.org_unit)
    dataset = imp.dataset_for(element, period, area)
    try:
        domain.get_period(dataset, period.id)
        domain.check_level(dataset, area)
    except DataSetError as e:
        raise _Refused(period.id if e.field == "period" else row.org_unit, e.message) from None
    if not domain.can_enter(imp.user, area):
        raise _Refused(row.org_unit, f"Bạn không có quyền nhập số liệu cho {area.name}.", forbidden=True)
    if not dataset.active:
        raise _Refused(dataset.code, f"Biểu «{dataset.name}» đã ngừng nhận số liệu.")
    for combo in (row.category_option_combo, row.attribute_option_combo):
        if combo not in DEFAULT_COMBOS:
            raise _Refused(
                combo, f"Chỉ tiêu «{element.code}» không chia theo nhóm: bỏ trống categoryOptionCombo."
            )
    text = None if strategy == "DELETE" else row.value
    try:
        value = domain.parse_value(element, text, strict=True)
    except DataSetError as e:
        raise _Refused(str(row.value)[:50], e.message) from None
    sub = imp.submission(dataset, area, period, dry_run)
    if sub is not None:
        try:
            domain.require_editable(sub)
        except DataSetError as e:
            raise _Refused(f"{dataset.code}/{area.code}/{period.id}", e.message) from None
    exists = DataValue.objects.filter(element=element, area=area, period=period.id).exists()
    if (
        (strategy == "CREATE" and exists)
        or (strategy == "UPDATE" and not exists)
        or (value is None and not exists)
    ):
        summary.ignored += 1
        return
    if dry_run or sub is None:
        if value is None:
            summary.deleted += 1
        elif exists:
            summary.updated += 1
        else:
            summary.imported += 1
        return
    result = domain.put_value(sub, element, value, imp.user, row.comment)
    if element.code in (sub.draft or {}):
        sub.draft = {k: v for k, v in sub.draft.items() if k != element.code}
        sub.save(update_fields=["draft", "updated_at"])
    imp.touched[sub.pk] += 1
    if result == "imported":
        summary.imported += 1
    elif result == "deleted":
        summary.deleted += 1
    else:
        summary.updated += 1


def import_values(
    user: Any, payload: Payload, strategy: str = "CREATE_AND_UPDATE", dry_run: bool = False
) -> ImportSummary:
    """Import a data value set row by row; refused rows are conflicts, the good ones are kept.

    With `completeDate` (and dataSet, period and orgUnit at the top), the form is then submitted to the
    level above, as DHIS2 registers a data set as complete.
    """
    strategy = (strategy or "CREATE_AND_UPDATE").strip().upper()
    if strategy == "NEW_AND_UPDATES":
        strategy = "CREATE_AND_UPDATE"
    if strategy not in STRATEGIES:
        raise DataSetError(f"importStrategy phải là một trong: {', '.join(STRATEGIES)}.", "importStrategy")
    if not has_perm(user, Perm.ENTER_DATA):
        raise domain.DataSetForbidden("Bạn không có quyền nhập số liệu biểu mẫu.")
    summary = ImportSummary(dry_run=dry_run)
    imp = _Importer(user, payload.dataset)
    with transaction.atomic():
        for row in payload.rows:
            try:
                with transaction.atomic():
                    _row(imp, row, strategy, dry_run, summary)
            except _Refused as r:
                summary.ignored += 1
                summary.conflicts.append(Conflict(r.obj, r.message, row.index, r.forbidden))
        for sub_id, count in imp.touched.items():
            SubmissionEvent.objects.create(
                submission_id=sub_id, action=EventAction.IMPORTED, by=domain._user(user),
                note=f"{count} giá trị (DHIS2 dataValueSets)",
            )  # fmt: skip
        if payload.complete_date and not dry_run:
            _complete(imp, payload, summary)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _complete(imp: _Importer, payload: Payload, summary: ImportSummary) -> None:
    if not (imp.dataset and payload.period and payload.org_unit):
        summary.conflicts.append(
            Conflict("completeDate", "Muốn gửi biểu (completeDate) cần ghi dataSet, period và orgUnit ở đầu.")
        )
        return
    try:
        area = domain.resolve_unit(payload.org_unit)
        period = domain.get_period(imp.dataset, payload.period)
        sub = domain.find_submission(imp.dataset, area, period)
        if sub is not None and sub.status in domain.COMPLETE:
            summary.data_set_complete = payload.complete_date
            return
        domain.submit_form(imp.user, imp.dataset, area, period)
        summary.data_set_complete = payload.complete_date
    except DataSetError as e:
        summary.conflicts.append(Conflict(imp.dataset.code, e.message, forbidden=e.status == 403))
