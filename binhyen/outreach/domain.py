"""Domain rules for outreach sessions (buổi tuyên truyền).

Views, the REST API, the import, the admin and the demo seed call these functions. `counts` gives what a
report needs: sessions, attendees and leaflets in an area for a period, in total and by topic (a session on
two topics counts under both topics, once in the totals).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas import domain as areas
from binhyen.areas.models import Area
from binhyen.core import parsing
from binhyen.core.text import fold, nfc
from binhyen.outreach.models import OutreachSession, Topic

MAX_COUNT = 1_000_000
MAX_AGE_YEARS = 30
MAX_PLACE = 300
MAX_ORGANISER = 200
MAX_NOTE = 5000
TOPIC_CODES: tuple[str, ...] = tuple(Topic.values)
TOPIC_LABELS: dict[str, str] = {str(k): str(v) for k, v in Topic.choices}
# Other ways people write a topic (folded): Vietnamese names, short forms, English.
TOPIC_ALIASES: dict[str, str] = {
    **{fold(label): code for code, label in TOPIC_LABELS.items()},
    **{code.replace("_", " "): code for code in TOPIC_CODES},
    "ma tuy": "drugs", "chong ma tuy": "drugs", "te nan ma tuy": "drugs",
    "lua dao": "fraud", "lua dao qua mang": "fraud", "lua dao mang": "fraud", "online fraud": "fraud",
    "giao thong": "traffic", "atgt": "traffic", "an toan giao thong": "traffic",
    "phong chay": "fire", "pccc": "fire", "phong chay chua chay": "fire", "chay no": "fire",
    "phap luat": "law", "pho bien phap luat": "law", "tuyen truyen phap luat": "law",
    "vu khi": "weapons", "vu khi vat lieu no": "weapons", "vat lieu no": "weapons",
    "mua ban nguoi": "trafficking", "human trafficking": "trafficking",
    "bao luc gia dinh": "domestic_violence", "bao luc": "domestic_violence",
    "khac": "other",
}  # fmt: skip


class OutreachError(ValueError):
    """A rule was broken. `message` is Vietnamese; `field` names the input; `status` is the HTTP status
    the API and the pages answer with (422 invalid, 403 forbidden, 404 not found)."""

    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class OutreachForbidden(OutreachError):
    def __init__(self, message: str = "Bạn không có quyền với buổi tuyên truyền ở địa bàn này.") -> None:
        super().__init__(message, status=403)


class OutreachNotFound(OutreachError):
    def __init__(self, message: str = "Không tìm thấy buổi tuyên truyền.") -> None:
        super().__init__(message, status=404)


# --- input ------------------------------------------------------------------------------------------


@dataclass
class SessionInput:
    date: datetime.date | None = None
    commune: str = ""  # area code of a commune, ward or special zone
    village: str = ""  # area code of one of its villages, or ""
    place: str = ""
    topics: list[str] = field(default_factory=list)  # Topic codes (or their Vietnamese names)
    organiser: str = ""
    attendees: int | None = 0
    leaflets: int | None = 0
    note: str = ""


def session_data(s: OutreachSession) -> SessionInput:
    """An existing session as input: the starting point for edits (PATCH, the edit form)."""
    return SessionInput(
        date=s.date,
        commune=s.commune.code,
        village=s.village.code if s.village_id and s.village else "",
        place=s.place,
        topics=s.topic_list,
        organiser=s.organiser,
        attendees=s.attendees,
        leaflets=s.leaflets,
        note=s.note,
    )




def parse_date(text: str, field: str = "date") -> datetime.date | None:
    try:
        return parsing.parse_date(text)
    except ValueError as e:
        raise OutreachError(str(e), field) from None


def parse_count(text: str, field: str, label: str) -> int | None:
    cleaned = (text or "").replace(".", "").replace(",", "").replace(" ", "").strip()
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise OutreachError(f"{label}: nhập một số nguyên không âm, ví dụ 120.", field)
    return int(cleaned)


def topic_code(text: str) -> str | None:
    """A topic code from a code, its Vietnamese name or a common short form; None if unknown."""
    key = " ".join(fold(text).replace("_", " ").replace("-", " ").split())
    if not key:
        return None
    if key.replace(" ", "_") in TOPIC_CODES:
        return key.replace(" ", "_")
    return TOPIC_ALIASES.get(key)


def split_topics(text: str) -> list[str]:
    """«ma tuý; lừa đảo» → ["ma tuý", "lừa đảo"]: separated by ; | or new lines, or by commas when a part
    is not itself a topic name (names such as «Phòng, chống ma tuý» hold a comma)."""
    found: list[str] = []
    for part in re.split(r"[;|\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        if topic_code(part) is not None:
            found.append(part)
        else:
            found += [t.strip() for t in part.split(",") if t.strip()]
    return found


FORM_FIELDS = ("date", "commune", "village", "place", "organiser", "attendees", "leaflets", "note")


def from_form(values: Mapping[str, str], topics: Sequence[str]) -> SessionInput:
    """The web form's fields as input; raises OutreachError naming the first bad field."""
    return SessionInput(
        date=parse_date(values.get("date", ""), "date"),
        commune=values.get("commune", ""),
        village=values.get("village", ""),
        place=values.get("place", ""),
        topics=list(topics),
        organiser=values.get("organiser", ""),
        attendees=parse_count(values.get("attendees", ""), "attendees", "Số người tham dự"),
        leaflets=parse_count(values.get("leaflets", ""), "leaflets", "Số tờ rơi, tài liệu"),
        note=values.get("note", ""),
    )


def form_values(data: SessionInput) -> dict[str, Any]:
    return {
        "date": data.date.isoformat() if data.date else "",
        "commune": data.commune,
        "village": data.village,
        "place": data.place,
        "topics": list(data.topics),
        "organiser": data.organiser,
        "attendees": "" if data.attendees is None else str(data.attendees),
        "leaflets": "" if data.leaflets is None else str(data.leaflets),
        "note": data.note,
    }


# --- validation -------------------------------------------------------------------------------------


def get_commune(code: str) -> Area:
    try:
        return areas.commune_by_code(code, "Hãy chọn xã, phường tổ chức buổi tuyên truyền.")
    except areas.AreaError as e:
        raise OutreachError(e.message, e.field) from None


def _village(commune: Area, code: str) -> Area | None:
    try:
        return areas.village_in(commune, code)
    except areas.AreaError as e:
        raise OutreachError(e.message, e.field) from None


def clean_topics(topics: Sequence[str] | str) -> list[str]:
    if isinstance(topics, str):
        topics = split_topics(topics)
    chosen: set[str] = set()
    for t in topics:
        code = topic_code(str(t))
        if code is None:
            allowed = "; ".join(TOPIC_LABELS.values())
            raise OutreachError(f"Chủ đề «{str(t)[:60]}» không có trong danh mục; dùng: {allowed}.", "topics")
        chosen.add(code)
    if not chosen:
        raise OutreachError("Hãy chọn ít nhất một chủ đề tuyên truyền.", "topics")
    return [c for c in TOPIC_CODES if c in chosen]


def _count(value: Any, name: str, label: str) -> int:
    value = 0 if value is None else value
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
        raise OutreachError(f"{label} phải là số nguyên từ 0 đến {MAX_COUNT:,}.".replace(",", "."), name)
    return value


def clean(data: SessionInput) -> dict[str, Any]:
    """Validated values for a session (raises OutreachError naming the field)."""
    if data.date is None:
        raise OutreachError("Hãy nhập ngày tổ chức.", "date")
    today = timezone.localdate()
    if data.date > today + datetime.timedelta(days=366):
        raise OutreachError("Ngày tổ chức quá xa trong tương lai (tối đa một năm tới).", "date")
    if data.date < today - datetime.timedelta(days=365 * MAX_AGE_YEARS):
        raise OutreachError(f"Ngày tổ chức không thể trước {MAX_AGE_YEARS} năm.", "date")
    commune = get_commune(data.commune)
    village = _village(commune, data.village)
    place = nfc(data.place or "").strip()
    if not place:
        raise OutreachError("Hãy nhập địa điểm tổ chức.", "place")
    if len(place) > MAX_PLACE:
        raise OutreachError(f"Địa điểm quá dài (tối đa {MAX_PLACE} ký tự).", "place")
    organiser = nfc(data.organiser or "").strip()
    if not organiser:
        raise OutreachError("Hãy nhập đơn vị, người tổ chức.", "organiser")
    if len(organiser) > MAX_ORGANISER:
        raise OutreachError(f"Đơn vị tổ chức quá dài (tối đa {MAX_ORGANISER} ký tự).", "organiser")
    note = nfc(data.note or "").strip()
    if len(note) > MAX_NOTE:
        raise OutreachError(f"Ghi chú quá dài (tối đa {MAX_NOTE} ký tự).", "note")
    return {
        "date": data.date,
        "commune": commune,
        "village": village,
        "place": place,
        "topics": ",".join(clean_topics(data.topics)),
        "organiser": organiser,
        "attendees": _count(data.attendees, "attendees", "Số người tham dự"),
        "leaflets": _count(data.leaflets, "leaflets", "Số tờ rơi, tài liệu"),
        "note": note,
    }


# --- permissions ------------------------------------------------------------------------------------


def can_view(user: Any, area: Area | None = None) -> bool:
    return (
        has_perm(user, Perm.VIEW_MOVEMENT, area) if area is not None else has_perm(user, Perm.VIEW_MOVEMENT)
    )


def can_manage(user: Any, session: OutreachSession | None = None, commune: Area | None = None) -> bool:
    place = session.commune if session is not None else commune
    if place is None:
        return has_perm(user, Perm.MANAGE_MOVEMENT)
    return has_perm(user, Perm.MANAGE_MOVEMENT, place)


def _require_manage(user: Any, commune: Area) -> None:
    if not has_perm(user, Perm.MANAGE_MOVEMENT, commune):
        raise OutreachForbidden(f"Bạn không có quyền ghi buổi tuyên truyền ở {commune.name}.")


# --- writing ----------------------------------------------------------------------------------------


def create_session(user: Any, data: SessionInput) -> OutreachSession:
    """Record a session; validates everything, and the user must manage the movement in its commune."""
    _require_manage(user, get_commune(data.commune))
    session = OutreachSession(**clean(data), created_by=user if getattr(user, "pk", None) else None)
    session.save()
    return session


def update_session(user: Any, session: OutreachSession, data: SessionInput) -> OutreachSession:
    """Change a session. The user must manage the movement both where it was and where it now is."""
    _require_manage(user, session.commune)
    _require_manage(user, get_commune(data.commune))
    for name, value in clean(data).items():
        setattr(session, name, value)
    session.save()
    return session


def delete_session(user: Any, session: OutreachSession) -> None:
    _require_manage(user, session.commune)
    session.delete()


# --- reading ----------------------------------------------------------------------------------------


def within(area: Area) -> Q:
    return Q(area_path__gte=area.path, area_path__lt=area.path + "z")


def visible_sessions(user: Any) -> QuerySet[OutreachSession]:
    """Sessions in the areas where the user may view the movement's records."""
    qs = OutreachSession.objects.select_related("commune", "village")
    roots = scope(user, Perm.VIEW_MOVEMENT)
    if roots is None:
        return qs
    if not roots:
        return qs.none()
    query = Q(pk__in=[])
    for root in roots:
        query |= within(root)
    return qs.filter(query)


def get_session(user: Any, session_id: int | str) -> OutreachSession:
    """A session the user may view; OutreachNotFound otherwise (no hint that it exists elsewhere)."""
    try:
        pk = int(session_id)
    except (TypeError, ValueError):
        raise OutreachNotFound() from None
    session = visible_sessions(user).filter(pk=pk).first()
    if session is None:
        raise OutreachNotFound()
    return session


@dataclass
class Filters:
    area: Area | None = None
    start: datetime.date | None = None  # inclusive
    end: datetime.date | None = None  # inclusive
    topic: str = ""
    q: str = ""


def check_period(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and start > end:
        raise OutreachError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", "from")


def _has_topic(code: str) -> Q:
    return (
        Q(topics=code)
        | Q(topics__startswith=f"{code},")
        | Q(topics__endswith=f",{code}")
        | Q(topics__contains=f",{code},")
    )


def filter_sessions(qs: QuerySet[OutreachSession], f: Filters) -> QuerySet[OutreachSession]:
    if f.area is not None:
        qs = qs.filter(within(f.area))
    if f.start is not None:
        qs = qs.filter(date__gte=f.start)
    if f.end is not None:
        qs = qs.filter(date__lte=f.end)
    if f.topic:
        qs = qs.filter(_has_topic(f.topic))
    for word in (f.q or "").split()[:8]:
        qs = qs.filter(Q(place__icontains=word) | Q(organiser__icontains=word) | Q(note__icontains=word))
    return qs


# --- statistics -------------------------------------------------------------------------------------


@dataclass
class TopicRow:
    code: str
    label: str
    sessions: int = 0
    attendees: int = 0
    leaflets: int = 0


@dataclass
class Counts:
    area: Area | None
    start: datetime.date | None
    end: datetime.date | None
    sessions: int = 0
    attendees: int = 0
    leaflets: int = 0
    communes: int = 0
    by_topic: list[TopicRow] = field(default_factory=list)  # every topic, in the fixed order


def summarise(
    qs: QuerySet[OutreachSession],
    area: Area | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Counts:
    """Totals and by-topic figures of the sessions in `qs` (already filtered)."""
    rows = {code: TopicRow(code, TOPIC_LABELS[code]) for code in TOPIC_CODES}
    result = Counts(area, start, end)
    communes: set[int] = set()
    for topics, attendees, leaflets, commune in (
        qs.order_by().values_list("topics", "attendees", "leaflets", "commune_id").iterator(chunk_size=2000)
    ):
        result.sessions += 1
        result.attendees += attendees
        result.leaflets += leaflets
        communes.add(commune)
        for code in (topics or "").split(","):
            row = rows.get(code)
            if row is not None:
                row.sessions += 1
                row.attendees += attendees
                row.leaflets += leaflets
    result.communes = len(communes)
    result.by_topic = list(rows.values())
    return result


def counts(area: Area | None, start: datetime.date | None, end: datetime.date | None) -> Counts:
    """Sessions, attendees and leaflets in an area (None: the whole country) from `start` to `end`
    (both included; None: open). The caller checks that the user may view the movement there."""
    check_period(start, end)
    return summarise(
        filter_sessions(OutreachSession.objects.all(), Filters(area, start, end)), area, start, end
    )
