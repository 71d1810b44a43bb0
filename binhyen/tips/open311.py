"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/.

Every endpoint answers in JSON (`.json`) and XML (`.xml`), chosen by the suffix of the path. Errors are
the specification's error array (`[{"code": 400, "description": "…"}]`, `<errors><error>…`), with a
Vietnamese description naming the field, and HTTP status 400 (bad input), 403 (bad `api_key`), 404
(unknown service, request or format), 405 (wrong method) or 429 (too many tips from one address).

Services are the active tip categories. Every service takes the common attributes `commune` (required:
the commune's code), `village`, `occurred_at` and `occurred_text`, then the category's own ones.

Protection of tips. Tips are crime reports, so `GET requests` never lists other people's tips:

* Without a valid staff `api_key` only the requests named by `service_request_id` are returned (tracking
  codes: 60 random bits, unguessable, given only to the reporter). For each of them only the public view
  is shown: `service_request_id`, `status`, `status_notes` (status, outcome and public notes),
  `service_name`, `service_code`, `requested_datetime`, `updated_datetime`, `agency_responsible`. Never
  the description, address, coordinates, media or anything about the reporter. Without
  `service_request_id` the answer is an empty list.
* With `api_key` = an API token of a user who holds `tips.view` somewhere, the list comes from
  `tips.domain.visible_tips(user)` (only that user's areas) with the specification's filters, and
  each request adds `description`, `address`, `address_id` (village code), `lat` and `long`. The
  reporter's identity is never part of any answer.
* A valid key whose user may not view tips gets the public answer; an invalid or expired key is 403.

`POST requests` needs no key (anonymous intake, rate limited per client address). A staff key is
recorded as the person who entered the tip and is not rate limited.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from binhyen.accounts import domain as accounts
from binhyen.accounts.permissions import Perm, is_staff_role, scope
from binhyen.areas import domain as areas
from binhyen.areas.models import Area, Level
from binhyen.core import ratelimit
from binhyen.core.text import fold
from binhyen.tips import domain
from binhyen.tips.domain import NewTip, TipError, Upload
from binhyen.tips.models import (
    DECISIONS,
    OPEN_STATUSES,
    Category,
    Channel,
    EventKind,
    Outcome,
    Status,
    Tip,
    TipEvent,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2025-07-01T00:00:00+07:00"
CONTENT_TYPES = {"json": "application/json", "xml": "text/xml; charset=utf-8"}
DEFAULT_WINDOW = datetime.timedelta(days=90)
MAX_WINDOW = datetime.timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 100

# XML: the element of each item inside a list-valued element.
_XML_ITEM = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}

# Characters XML 1.0 cannot carry (control characters other than tab and newlines).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Domain field names -> the Open311 parameter the client sent.
_FIELD_NAMES = {
    "category": "service_code",
    "description": "description",
    "commune": "attribute[commune]",
    "village": "attribute[village]",
    "lat": "lat",
    "long": "long",
    "occurred_at": "attribute[occurred_at]",
    "reporter_phone": "phone",
    "reporter_email": "email",
    "anonymous": "email",
    "media_url": "media_url",
    "files": "media",
}

COMMON_ATTRIBUTES: list[dict[str, Any]] = [
    {
        "variable": True,
        "code": "commune",
        "datatype": "string",
        "required": True,
        "datatype_description": "Mã xã/phường (mã đơn vị hành chính 5 chữ số), ví dụ 24958 là Xã Đức Trọng.",
        "order": 1,
        "description": "Xã/phường nơi xảy ra sự việc",
    },
    {
        "variable": True,
        "code": "village",
        "datatype": "string",
        "required": False,
        "datatype_description": "Mã thôn/tổ dân phố thuộc xã/phường đã chọn (cũng nhận qua address_id).",
        "order": 2,
        "description": "Thôn/tổ dân phố",
    },
    {
        "variable": True,
        "code": "occurred_at",
        "datatype": "datetime",
        "required": False,
        "datatype_description": "Ngày giờ theo W3C (ISO 8601), ví dụ 2025-07-01T21:30:00+07:00.",
        "order": 3,
        "description": "Thời điểm xảy ra",
    },
    {
        "variable": True,
        "code": "occurred_text",
        "datatype": "string",
        "required": False,
        "datatype_description": (
            "Thời gian kể bằng lời khi không biết chính xác, ví dụ «khoảng 22 giờ tối thứ Bảy»."
        ),
        "order": 4,
        "description": "Thời gian xảy ra (bằng lời)",
    },
]
_COMMON_CODES = {a["code"] for a in COMMON_ATTRIBUTES}
_LIST_TYPES = ("singlevaluelist", "multivaluelist")
_DATATYPES = ("string", "number", "datetime", "text", *_LIST_TYPES)


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# --- rendering --------------------------------------------------------------------------------------


def _xml_fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        child = _XML_ITEM.get(element.tag, "item")
        for item in value:
            _xml_fill(ET.SubElement(element, child), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _XML_INVALID.sub("", str(value))


def _render(fmt: str, data: Any, root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = ET.Element(root)
        if isinstance(data, list):
            for entry in data:
                _xml_fill(ET.SubElement(element, item), entry)
        else:
            _xml_fill(element, data)
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")
        return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES["xml"])
    return HttpResponse(
        json.dumps(data, ensure_ascii=False).encode(), status=status, content_type=CONTENT_TYPES["json"]
    )


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    response = _render(fmt, [{"code": status, "description": description}], "errors", "error", status)
    response["Cache-Control"] = "no-store"
    return response


def _tip_error(e: TipError) -> Open311Error:
    name = _FIELD_NAMES.get(e.field, e.field)
    description = f"{name}: {e.message}" if name else e.message
    if e.code in ("unknown_category", "not_found") or e.status == 404:
        return Open311Error(404, description)
    if e.status in (403, 409, 503):
        return Open311Error(e.status, description)
    return Open311Error(400, description)


View = Callable[..., HttpResponse]


def _endpoint(*methods: str, no_store: bool = False) -> Callable[[View], View]:
    """Check the format suffix and the method, and turn errors into the Open311 error array."""

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def inner(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in CONTENT_TYPES:
                return _error("json", 404, f"Không có định dạng «{fmt}»; hãy dùng .json hoặc .xml.")
            if request.method not in methods:
                response = _error(fmt, 405, f"Phương thức {request.method} không được dùng ở đây.")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                response = view(request, fmt, **kwargs)
            except Open311Error as e:
                return _error(fmt, e.status, e.description)
            except TipError as e:
                err = _tip_error(e)
                return _error(fmt, err.status, err.description)
            if no_store:
                response["Cache-Control"] = "no-store"
            return response

        return inner

    return wrap


def _iso(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# --- parsing ----------------------------------------------------------------------------------------


def _parse_datetime(value: str, name: str) -> datetime.datetime:
    text = (value or "").strip()
    if "T" in text:
        # An unencoded "+07:00" in a query string arrives as " 07:00".
        text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", text)
    moment: datetime.datetime | None = None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400, f"{name}: ngày giờ không hợp lệ; dùng dạng W3C, ví dụ 2025-07-01T21:30:00+07:00."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _float(value: str, name: str) -> float:
    try:
        return float(value.strip())
    except ValueError:
        raise Open311Error(400, f"{name}: phải là một số thập phân, ví dụ 11.7351.") from None


def _api_user(params: QueryDict) -> Any:
    """The user of `api_key`, None without one; a key given but invalid is refused (403)."""
    key = (params.get("api_key") or "").strip()
    if not key:
        return None
    user = accounts.user_for_token(key)
    if user is None:
        raise Open311Error(403, "api_key: khoá API không hợp lệ, đã bị thu hồi hoặc đã hết hạn.")
    return user


def _can_view_tips(user: Any) -> bool:
    if user is None:
        return False
    roots = scope(user, Perm.VIEW_TIPS)
    return roots is None or bool(roots)


def _category(code: str) -> Category:
    if not (code or "").strip():
        raise Open311Error(400, "service_code: thiếu mã dịch vụ (loại tin báo).")
    try:
        return domain.get_category(code)
    except TipError:
        raise Open311Error(404, f"service_code: không có dịch vụ «{code}».") from None


# --- service definitions ----------------------------------------------------------------------------


def _attributes(category: Category) -> list[dict[str, Any]]:
    """The common attributes, then the category's own (normalised to the specification's fields)."""
    result = [dict(a) for a in COMMON_ATTRIBUTES]
    extra = category.attributes if isinstance(category.attributes, list) else []
    for index, raw in enumerate(extra, start=1):
        if not isinstance(raw, dict) or not raw.get("code") or raw["code"] in _COMMON_CODES:
            continue
        datatype = raw.get("datatype") if raw.get("datatype") in _DATATYPES else "string"
        try:
            order = int(raw.get("order") or index)
        except (TypeError, ValueError):
            order = index
        attribute: dict[str, Any] = {
            "variable": bool(raw.get("variable", True)),
            "code": str(raw["code"]),
            "datatype": datatype,
            "required": bool(raw.get("required", False)),
            "datatype_description": str(raw.get("datatype_description", "")),
            "order": len(COMMON_ATTRIBUTES) + order,
            "description": str(raw.get("description", "")),
        }
        if datatype in _LIST_TYPES:
            attribute["values"] = [
                {"key": str(v.get("key", "")), "name": str(v.get("name", v.get("key", "")))}
                for v in raw.get("values") or []
                if isinstance(v, dict)
            ]
        result.append(attribute)
    result.sort(key=lambda a: a["order"])
    return result


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


# --- service requests -------------------------------------------------------------------------------


def _agency(commune_name: str) -> str:
    for prefix in ("Xã ", "Phường ", "Đặc khu ", "Thị trấn "):
        if commune_name.startswith(prefix):
            return f"Công an {prefix.lower()}{commune_name[len(prefix) :]}"
    return f"Công an {commune_name}"


def _status_notes(status_label: str, outcome_label: str, notes: list[str]) -> str:
    parts = [status_label]
    if outcome_label:
        parts.append(f"Kết quả: {outcome_label}")
    if notes and notes[-1]:
        parts.append(notes[-1])
    return ". ".join(p.rstrip(". ") for p in parts if p)


def _public_record(code: str) -> dict[str, Any] | None:
    view = domain.public_view(code)
    if view is None:
        return None
    return {
        "service_request_id": view["tracking_code"],
        "status": "open" if view["is_open"] else "closed",
        "status_notes": _status_notes(
            str(view["status_label"]),
            str(view["outcome_label"]),
            [str(e["text"]) for e in view["public_notes"]],
        ),
        "service_name": view["category"],
        "service_code": view["category_code"],
        "requested_datetime": _iso(view["received_at"]),
        "updated_datetime": _iso(view["updated_at"]),
        "agency_responsible": _agency(view["commune"]),
    }


def _staff_record(tip: Tip) -> dict[str, Any]:
    notes = [e.text for e in getattr(tip, "open311_notes", [])]
    return {
        "service_request_id": tip.tracking_code,
        "status": "open" if tip.is_open else "closed",
        "status_notes": _status_notes(
            str(Status(tip.status).label), str(Outcome(tip.outcome).label) if tip.outcome else "", notes
        ),
        "service_name": tip.category.name,
        "service_code": tip.category.code,
        "description": tip.description,
        "agency_responsible": _agency(tip.commune.name),
        "requested_datetime": _iso(tip.received_at),
        "updated_datetime": _iso(tip.updated_at),
        "address": tip.address,
        "address_id": tip.village.code if tip.village_id and tip.village else "",
        "lat": tip.latitude,
        "long": tip.longitude,
    }


def _staff_tips(user: Any) -> QuerySet[Tip]:
    notes = TipEvent.objects.filter(public=True, kind=EventKind.NOTE).order_by("at", "id")
    return domain.visible_tips(user).prefetch_related(
        Prefetch("events", queryset=notes, to_attr="open311_notes")
    )


def _codes(value: str) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    if len(items) > MAX_IDS:
        raise Open311Error(400, f"service_request_id: tối đa {MAX_IDS} mã mỗi lần.")
    codes = []
    for item in items:
        code = domain.normalise_tracking_code(item)
        if code and code not in codes:
            codes.append(code)
    return codes


def _window(params: QueryDict) -> tuple[datetime.datetime, datetime.datetime]:
    start = _parse_datetime(params.get("start_date", ""), "start_date") if params.get("start_date") else None
    end = _parse_datetime(params.get("end_date", ""), "end_date") if params.get("end_date") else None
    if end is None:  # the specification's default: 90 days
        end = start + DEFAULT_WINDOW if start is not None else timezone.now()
    if start is None:
        start = end - DEFAULT_WINDOW
    if end < start:
        raise Open311Error(400, "end_date: phải sau start_date.")
    if end - start > MAX_WINDOW:
        raise Open311Error(400, "start_date, end_date: khoảng thời gian tối đa 90 ngày.")
    return start, end


def _statuses(value: str) -> list[str]:
    wanted: list[str] = []
    for item in (v.strip().lower() for v in value.split(",") if v.strip()):
        if item == "open":
            wanted += list(OPEN_STATUSES)
        elif item == "closed":
            wanted += list(DECISIONS)
        else:
            raise Open311Error(400, f"status: «{item}» không hợp lệ; dùng open hoặc closed.")
    return wanted


def _page(params: QueryDict) -> tuple[int, int]:
    try:
        page = int(params.get("page") or 1)
        per_page = int(params.get("per_page") or MAX_RESULTS)
    except ValueError:
        raise Open311Error(400, "page, per_page: phải là số nguyên dương.") from None
    if page < 1 or not 1 <= per_page <= MAX_RESULTS:
        raise Open311Error(400, f"page, per_page: page từ 1, per_page từ 1 đến {MAX_RESULTS}.")
    return page, per_page


def _province(code: str) -> Area:
    try:
        area = areas.get_area(code)
    except areas.AreaError:
        area = None
    if area is None or area.level != Level.PROVINCE:
        raise Open311Error(400, f"jurisdiction_id: không có tỉnh/thành phố mã «{code}».")
    return area


def _search_requests(user: Any, params: QueryDict) -> list[dict[str, Any]]:
    qs = _staff_tips(user)
    codes = _codes(params.get("service_request_id", ""))
    if params.get("service_request_id", "").strip():
        return [_staff_record(t) for t in qs.filter(tracking_code__in=codes)]  # overrides all filters
    if params.get("jurisdiction_id"):
        province = _province(params.get("jurisdiction_id", ""))
        qs = qs.filter(area_path__gte=province.path, area_path__lt=province.path + "z")
    services = [v.strip() for v in params.get("service_code", "").split(",") if v.strip()]
    if services:
        qs = qs.filter(category__code__in=services)
    start, end = _window(params)
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    statuses = _statuses(params.get("status", ""))
    if statuses:
        qs = qs.filter(status__in=statuses)
    page, per_page = _page(params)
    offset = (page - 1) * per_page
    return [_staff_record(t) for t in qs[offset : offset + per_page]]


# --- new requests -----------------------------------------------------------------------------------


def _posted_attributes(params: QueryDict) -> dict[str, list[str]]:
    """attribute[code]=v and attribute[code][]=v1&attribute[code][]=v2."""
    found: dict[str, list[str]] = {}
    for key in params:
        match = re.fullmatch(r"attribute\[([^\]]+)\](\[\])?", key)
        if match:
            values = [v.strip() for v in params.getlist(key) if v.strip()]
            found.setdefault(match.group(1).strip(), []).extend(values)
    return found


def _custom_attributes(category: Category, posted: dict[str, list[str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for attribute in _attributes(category):
        code = attribute["code"]
        if code in _COMMON_CODES or not attribute["variable"]:
            continue
        given = posted.get(code, [])
        name = f"attribute[{code}]"
        if not given:
            if attribute["required"]:
                label = attribute["description"] or code
                raise Open311Error(400, f"{name}: thiếu thông tin bắt buộc «{label}».")
            continue
        datatype = attribute["datatype"]
        if datatype in _LIST_TYPES:
            keys = {v["key"] for v in attribute.get("values", [])}
            chosen = given if datatype == "multivaluelist" else given[:1]
            for value in chosen:
                if value not in keys:
                    raise Open311Error(400, f"{name}: giá trị «{value}» không có trong danh sách.")
            values[code] = ",".join(chosen)
        elif datatype == "number":
            _float(given[0], name)
            values[code] = given[0]
        elif datatype == "datetime":
            values[code] = _iso(_parse_datetime(given[0], name)) or ""
        else:
            values[code] = given[0]
    return values


def _commune_from_address(address: str, jurisdiction: Area | None) -> str:
    """Without attribute[commune]: a commune of the jurisdiction's province named in the address."""
    if jurisdiction is None or not address:
        return ""

    def words(value: str) -> str:
        return " " + " ".join(re.findall(r"[a-z0-9]+", fold(value))) + " "

    text = words(address)
    found = [c for c in areas.children(jurisdiction) if words(c.name) in text]
    return found[0].code if len(found) == 1 else ""


def _village_parent(code: str) -> str:
    try:
        area = areas.get_area(code)
    except areas.AreaError:
        return ""
    if area.level == Level.VILLAGE and area.parent is not None:
        return area.parent.code
    return ""


def _new_tip(request: HttpRequest, user: Any) -> NewTip:
    params = request.POST
    posted = _posted_attributes(params)
    category = _category(params.get("service_code", ""))

    def one(code: str) -> str:
        return (posted.get(code) or [""])[0]

    lat_text, long_text = params.get("lat", "").strip(), params.get("long", "").strip()
    address = params.get("address_string", "").strip()
    address_id = params.get("address_id", "").strip()
    if bool(lat_text) != bool(long_text):
        raise Open311Error(400, f"{'long' if lat_text else 'lat'}: cần cả lat và long.")
    if not (lat_text or address or address_id):
        raise Open311Error(
            400, "lat, long, address_string, address_id: cần vị trí (toạ độ, địa chỉ hoặc mã địa chỉ)."
        )
    latitude = _float(lat_text, "lat") if lat_text else None
    longitude = _float(long_text, "long") if long_text else None
    if latitude is not None and not -90 <= latitude <= 90:
        raise Open311Error(400, "lat: vĩ độ phải từ -90 đến 90.")
    if longitude is not None and not -180 <= longitude <= 180:
        raise Open311Error(400, "long: kinh độ phải từ -180 đến 180.")

    jurisdiction = _province(params.get("jurisdiction_id", "")) if params.get("jurisdiction_id") else None
    village = one("village") or address_id
    commune = (
        one("commune") or (_village_parent(address_id) if address_id else "")
    ) or _commune_from_address(address, jurisdiction)
    if not commune:
        raise Open311Error(400, "attribute[commune]: hãy cho biết mã xã/phường nơi xảy ra sự việc.")
    if jurisdiction is not None:
        try:
            area = areas.get_area(commune)
        except areas.AreaError:
            area = None  # the domain names the unknown commune
        if area is not None and area.level == Level.COMMUNE and area.parent_id != jurisdiction.pk:
            raise Open311Error(
                400, f"jurisdiction_id: xã/phường «{commune}» không thuộc {jurisdiction.name}."
            )
    occurred_at = (
        _parse_datetime(one("occurred_at"), "attribute[occurred_at]") if one("occurred_at") else None
    )

    first, last = params.get("first_name", "").strip(), params.get("last_name", "").strip()
    email, phone = params.get("email", "").strip(), params.get("phone", "").strip()
    identified = bool(first or last or email or phone)
    media_url = params.get("media_url", "").strip()
    return NewTip(
        category=category.code,
        description=params.get("description", ""),
        commune=commune,
        village=village,
        occurred_at=occurred_at,
        occurred_text=one("occurred_text"),
        address=address,
        latitude=latitude,
        longitude=longitude,
        channel=Channel.OPEN311,
        anonymous=not identified,
        reporter_name=" ".join(p for p in (first, last) if p),
        reporter_phone=phone,
        reporter_email=email,
        attributes=_custom_attributes(category, posted),
        media_urls=[media_url] if media_url else [],
    )


# --- views ------------------------------------------------------------------------------------------


@_endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    base = base.rsplit("/", 1)[0]
    data = {
        "changeset": CHANGESET,
        "contact": getattr(
            settings,
            "OPEN311_CONTACT",
            f"Bình Yên — {settings.SITE_URL}. Việc khẩn cấp hãy gọi 113 hoặc công an xã/phường nơi xảy ra.",
        ),
        "key_service": getattr(
            settings,
            "OPEN311_KEY_SERVICE",
            "Gửi tin báo không cần api_key. Cán bộ lấy api_key tại "
            f"{settings.SITE_URL}/api/v1/auth/token để xem danh sách tin báo của địa bàn mình.",
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _render(fmt, data, "discovery", "discovery")


@_endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return _render(fmt, [_service(c) for c in domain.active_categories()], "services", "service")


@_endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    category = _category(service_code)
    data = {"service_code": category.code, "attributes": _attributes(category)}
    return _render(fmt, data, "service_definition", "service_definition")


@csrf_exempt
@_endpoint("GET", "POST", no_store=True)
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: search requests (see the module docstring for who sees what). POST: a new tip."""
    if request.method == "POST":
        return _create(request, fmt)
    user = _api_user(request.GET)
    if _can_view_tips(user):
        found = _search_requests(user, request.GET)
    else:
        ids = request.GET.get("service_request_id", "")
        found = [r for r in (_public_record(c) for c in _codes(ids)) if r is not None]
    return _render(fmt, found, "service_requests", "request")


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    user = _api_user(params) or _api_user(request.GET)
    staff = user is not None and is_staff_role(user)
    if not staff and not ratelimit.hit(
        "tips", ratelimit.client_ip(request), settings.TIP_RATE_LIMIT, settings.TIP_RATE_WINDOW_SECONDS
    ):
        raise Open311Error(
            429, "Bạn gửi quá nhiều tin báo trong thời gian ngắn; vui lòng thử lại sau ít phút."
        )
    data = _new_tip(request, user)
    files = [
        Upload(name=f.name or "media", stream=f, size=f.size or 0) for f in request.FILES.getlist("media")
    ]
    tip = domain.submit(data, files, entered_by=user if staff else None)
    account_id = params.get("account_id", "").strip() or None
    result = [
        {
            "service_request_id": tip.tracking_code,
            "token": tip.tracking_code,
            "service_notice": (
                f"Đã nhận tin báo. Hãy giữ mã {tip.tracking_code} để theo dõi tin báo "
                f"tại {settings.SITE_URL}/theo-doi/{tip.tracking_code}."
            ),
            "account_id": account_id,
        }
    ]
    return _render(fmt, result, "service_requests", "request", status=201)


@_endpoint("GET", no_store=True)
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    user = _api_user(request.GET)
    code = domain.normalise_tracking_code(request_id)
    record: dict[str, Any] | None = None
    if code and _can_view_tips(user):
        tip = _staff_tips(user).filter(tracking_code=code).first()
        record = _staff_record(tip) if tip is not None else None
    if record is None and code:
        record = _public_record(code)
    if record is None:
        raise Open311Error(404, f"service_request_id: không có tin báo mã «{request_id}».")
    return _render(fmt, [record], "service_requests", "request")


@_endpoint("GET", no_store=True)
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    view = domain.public_view(token)
    if view is None:
        raise Open311Error(404, f"token: không có tin báo nào ứng với «{token}».")
    code = view["tracking_code"]
    return _render(fmt, [{"service_request_id": code, "token": code}], "service_requests", "request")


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under /open311/v2/: the error array rather than an HTML page."""
    fmt = "xml" if rest.endswith(".xml") else "json"
    return _error(fmt, 404, f"Không có địa chỉ «{rest}» trong Open311 GeoReport v2.")
