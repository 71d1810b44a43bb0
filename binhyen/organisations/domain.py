"""Domain rules for organisations of the movement, their members and mediation cases.

Views, the REST API, the import, the admin and the demo seed call these functions.

- Law 30/2023/QH15 (grassroots security teams): a member is 18 to 70 years old when joining; older only
  when the commune chairman has approved it (recorded on the membership); never younger.
- A type with `single_leader` has at most one current leader.
- A person may belong to several organisations, but holds one current membership in each.
- Reading a person's phone number writes an audit event.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas import domain as areas
from binhyen.areas.models import Area, Level
from binhyen.audit import domain as audit
from binhyen.core import crypto, parsing
from binhyen.core.text import fold, nfc
from binhyen.organisations.models import (
    CaseType,
    Gender,
    MediationCase,
    Membership,
    Organisation,
    OrganisationType,
    Outcome,
    Person,
    Role,
)

MAX_NAME = 200
MAX_NOTE = 1000
MAX_PARTIES = 1000
_CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PHONE_RE = re.compile(r"^\+?[0-9]{8,15}$")
ROLE_VI = {"leader": "Tổ trưởng", "deputy": "Tổ phó", "member": "Tổ viên", "secretary": "Thư ký"}
CASE_TYPE_VI = {
    "land": "Đất đai",
    "family": "Hôn nhân, gia đình",
    "neighbours": "Mâu thuẫn hàng xóm",
    "debt": "Nợ, giao dịch dân sự",
    "other": "Khác",
}
OUTCOME_VI = {
    "successful": "Thành công",
    "unsuccessful": "Không thành công",
    "transferred": "Chuyển cấp có thẩm quyền",
}
GENDER_VI = {"male": "Nam", "female": "Nữ"}


class OrganisationError(ValueError):
    """A rule was broken. `message` is Vietnamese; `field` names the input; `status` is the HTTP status
    (422 invalid, 403 forbidden, 404 not found, 409 conflict)."""

    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class OrganisationForbidden(OrganisationError):
    def __init__(self, message: str = "Bạn không có quyền với tổ chức ở địa bàn này.") -> None:
        super().__init__(message, status=403)


class OrganisationNotFound(OrganisationError):
    def __init__(self, message: str = "Không tìm thấy tổ chức.") -> None:
        super().__init__(message, status=404)


# --- parsing what people type -----------------------------------------------------------------------



def parse_date(text: str, field: str = "date", label: str = "Ngày") -> datetime.date | None:
    try:
        return parsing.parse_date(text, label)
    except ValueError as e:
        raise OrganisationError(str(e), field) from None


def parse_int(text: str, field: str, label: str) -> int | None:
    cleaned = (text or "").replace(".", "").replace(" ", "").strip()
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise OrganisationError(f"{label}: nhập một số nguyên không âm.", field)
    return int(cleaned)


def yes(text: str) -> bool:
    return fold(text or "") in ("1", "on", "true", "yes", "co", "x", "y", "dong y", "da duyet")


# --- places -----------------------------------------------------------------------------------------


def get_commune(code: str) -> Area:
    try:
        return areas.commune_by_code(code, "Hãy chọn xã, phường.")
    except areas.AreaError as e:
        raise OrganisationError(e.message, e.field) from None


def find_village(commune: Area, text: str, field: str = "villages") -> Area:
    """A village of `commune` by code, code suffix ("0003") or name (diacritic-insensitive)."""
    text = nfc(text or "").strip()
    villages = Area.objects.filter(parent=commune, level=Level.VILLAGE)
    found = (
        villages.filter(code=text).first()
        or villages.filter(code=f"{commune.code}-{text}").first()
        or villages.filter(search_key=fold(text)).first()
    )
    if found is None:
        raise OrganisationError(f"Không có thôn, tổ dân phố «{text}» trong {commune.name}.", field)
    return found


# --- types ------------------------------------------------------------------------------------------


def types(active_only: bool = True) -> QuerySet[OrganisationType]:
    qs = OrganisationType.objects.all()
    return qs.filter(active=True) if active_only else qs


def get_type(text: str, active_only: bool = False, field: str = "type") -> OrganisationType:
    """A type by code or name (diacritic-insensitive); a clear error naming the known types otherwise."""
    text = nfc(text or "").strip()
    if not text:
        raise OrganisationError("Hãy chọn loại tổ chức.", field)
    qs = types(active_only)
    found = qs.filter(code=text.lower()).first()
    if found is None:
        key = fold(text)
        found = next((t for t in qs if fold(t.name) == key), None)
    if found is None:
        known = ", ".join(t.name for t in types())
        raise OrganisationError(f"Không có loại tổ chức «{text[:60]}». Các loại: {known}.", field)
    return found


@dataclass
class TypeInput:
    code: str = ""
    name: str = ""
    description: str = ""
    has_age_rule: bool = False
    min_age: int = 18
    max_age: int = 70
    single_leader: bool = False
    is_mediation: bool = False
    roles: list[str] = field(default_factory=lambda: ["leader", "deputy", "member"])
    active: bool = True
    order: int = 100


def type_data(t: OrganisationType) -> TypeInput:
    return TypeInput(
        code=t.code, name=t.name, description=t.description, has_age_rule=t.has_age_rule,
        min_age=t.min_age, max_age=t.max_age, single_leader=t.single_leader, is_mediation=t.is_mediation,
        roles=t.role_list, active=t.active, order=t.order,
    )  # fmt: skip


def _require_types(user: Any) -> None:
    if not has_perm(user, Perm.MANAGE_MOVEMENT_TYPES, None):
        raise OrganisationForbidden("Chỉ quản trị viên được sửa danh mục loại tổ chức.")


def _clean_type(data: TypeInput, current: OrganisationType | None) -> dict[str, Any]:
    code = (data.code or "").strip().lower()
    if not _CODE_RE.match(code) or len(code) > 40:
        raise OrganisationError("Mã: chữ thường không dấu, số và dấu gạch ngang, ví dụ «to-tu-quan».", "code")
    clash = OrganisationType.objects.filter(code=code)
    if current is not None:
        clash = clash.exclude(pk=current.pk)
    if clash.exists():
        raise OrganisationError(f"Đã có loại tổ chức mã «{code}».", "code")
    name = nfc(data.name or "").strip()
    if not name or len(name) > 150:
        raise OrganisationError("Hãy nhập tên loại tổ chức (tối đa 150 ký tự).", "name")
    roles = [r.strip() for r in data.roles if r and r.strip()]
    bad = [r for r in roles if r not in Role.values]
    if bad or not roles:
        raise OrganisationError(
            f"Vai trò không hợp lệ: {', '.join(bad) or '(trống)'}; dùng: {', '.join(Role.values)}.", "roles"
        )
    if not 0 <= data.min_age <= data.max_age <= 120:
        raise OrganisationError("Độ tuổi tối thiểu phải nhỏ hơn hoặc bằng độ tuổi tối đa.", "min_age")
    return {
        "code": code, "name": name, "description": nfc(data.description or "").strip()[:400],
        "has_age_rule": bool(data.has_age_rule), "min_age": data.min_age, "max_age": data.max_age,
        "single_leader": bool(data.single_leader), "is_mediation": bool(data.is_mediation),
        "roles": ",".join(dict.fromkeys(roles)), "active": bool(data.active), "order": data.order,
    }  # fmt: skip


def create_type(user: Any, data: TypeInput) -> OrganisationType:
    _require_types(user)
    return OrganisationType.objects.create(**_clean_type(data, None))


def update_type(user: Any, t: OrganisationType, data: TypeInput) -> OrganisationType:
    _require_types(user)
    for name, value in _clean_type(data, t).items():
        setattr(t, name, value)
    t.save()
    return t


# --- organisations ----------------------------------------------------------------------------------


@dataclass
class OrganisationInput:
    type: str = ""  # type code or name
    name: str = ""
    commune: str = ""  # commune code
    villages: list[str] = field(default_factory=list)  # village codes or names of that commune
    founded_on: datetime.date | None = None
    dissolved_on: datetime.date | None = None
    note: str = ""


def organisation_data(o: Organisation) -> OrganisationInput:
    return OrganisationInput(
        type=o.type.code,
        name=o.name,
        commune=o.commune.code,
        villages=[v.code for v in o.villages.all()],
        founded_on=o.founded_on,
        dissolved_on=o.dissolved_on,
        note=o.note,
    )


def can_manage(user: Any, commune: Area | None = None) -> bool:
    return (
        has_perm(user, Perm.MANAGE_MOVEMENT)
        if commune is None
        else has_perm(user, Perm.MANAGE_MOVEMENT, commune)
    )


def _require_manage(user: Any, commune: Area) -> None:
    if not has_perm(user, Perm.MANAGE_MOVEMENT, commune):
        raise OrganisationForbidden(f"Bạn không có quyền quản lý tổ chức ở {commune.name}.")


def _clean_org(
    data: OrganisationInput, current: Organisation | None = None
) -> tuple[dict[str, Any], list[Area]]:
    kind = get_type(data.type, active_only=current is None or current.type.code != data.type)
    commune = get_commune(data.commune)
    name = nfc(data.name or "").strip()
    if not name:
        raise OrganisationError("Hãy nhập tên tổ chức.", "name")
    if len(name) > MAX_NAME:
        raise OrganisationError(f"Tên quá dài (tối đa {MAX_NAME} ký tự).", "name")
    villages: dict[int, Area] = {}
    for text in data.villages:
        if text and text.strip():
            v = find_village(commune, text)
            villages[v.pk] = v
    today = timezone.localdate()
    if data.founded_on and data.founded_on > today:
        raise OrganisationError("Ngày thành lập không thể ở tương lai.", "founded_on")
    if data.dissolved_on and data.founded_on and data.dissolved_on < data.founded_on:
        raise OrganisationError("Ngày giải thể không thể trước ngày thành lập.", "dissolved_on")
    note = nfc(data.note or "").strip()
    if len(note) > MAX_NOTE:
        raise OrganisationError(f"Ghi chú quá dài (tối đa {MAX_NOTE} ký tự).", "note")
    clash = Organisation.objects.filter(commune=commune, type=kind, search_text=fold(name))
    if current is not None:
        clash = clash.exclude(pk=current.pk)
    if clash.exists():
        raise OrganisationError(f"{commune.name} đã có {kind.name.lower()} tên «{name}».", "name", 409)
    values = {
        "type": kind, "name": name, "commune": commune, "founded_on": data.founded_on,
        "dissolved_on": data.dissolved_on, "note": note,
    }  # fmt: skip
    return values, list(villages.values())


def create_organisation(user: Any, data: OrganisationInput) -> Organisation:
    _require_manage(user, get_commune(data.commune))
    values, villages = _clean_org(data)
    with transaction.atomic():
        org = Organisation(**values, created_by=user if getattr(user, "pk", None) else None)
        org.save()
        org.villages.set(villages)
    return org


def update_organisation(user: Any, org: Organisation, data: OrganisationInput) -> Organisation:
    _require_manage(user, org.commune)
    _require_manage(user, get_commune(data.commune))
    values, villages = _clean_org(data, org)
    if values["commune"].pk != org.commune_id and org.memberships.exists():
        raise OrganisationError("Tổ chức đã có thành viên, không thể chuyển sang xã khác.", "commune")
    with transaction.atomic():
        for name, value in values.items():
            setattr(org, name, value)
        org.save()
        org.villages.set(villages)
    return org


# --- reading ----------------------------------------------------------------------------------------


def _within(roots: list[Area], column: str = "area_path") -> Q:
    query = Q(pk__in=[])
    for root in roots:
        query |= Q(**{f"{column}__gte": root.path, f"{column}__lt": root.path + "z"})
    return query


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations in the areas where the user may view the movement: by commune, or (group leaders)
    by a covered village."""
    qs = Organisation.objects.select_related("type", "commune")
    roots = scope(user, Perm.VIEW_MOVEMENT)
    if roots is None:
        return qs
    if not roots:
        return qs.none()
    covering = Organisation.villages.through.objects.filter(_within(roots, "area__path")).values(
        "organisation_id"
    )
    return qs.filter(_within(roots) | Q(pk__in=covering))


def get_organisation(user: Any, pk: int | str) -> Organisation:
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise OrganisationNotFound() from None
    org = visible_organisations(user).filter(pk=number).first()
    if org is None:
        raise OrganisationNotFound()
    return org


@dataclass
class Filters:
    area: Area | None = None
    type: OrganisationType | None = None
    q: str = ""
    include_dissolved: bool = False


def filter_organisations(qs: QuerySet[Organisation], f: Filters) -> QuerySet[Organisation]:
    if f.area is not None:
        if f.area.level == Level.VILLAGE:
            qs = qs.filter(villages=f.area)
        else:
            qs = qs.filter(area_path__gte=f.area.path, area_path__lt=f.area.path + "z")
    if f.type is not None:
        qs = qs.filter(type=f.type)
    if not f.include_dissolved:
        qs = qs.filter(dissolved_on__isnull=True)
    for word in fold(f.q or "").split()[:8]:
        qs = qs.filter(search_text__contains=word)
    return qs


def current_members(org: Organisation) -> QuerySet[Membership]:
    return org.memberships.filter(left_on__isnull=True).select_related("person")


# --- people -----------------------------------------------------------------------------------------


@dataclass
class PersonInput:
    full_name: str = ""
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    gender: str = ""
    phone: str = ""
    commune: str = ""
    village: str = ""


def _clean_person(data: PersonInput) -> dict[str, Any]:
    name = nfc(data.full_name or "").strip()
    name = " ".join(name.split())
    if len(name) < 2 or len(name) > 150:
        raise OrganisationError("Hãy nhập họ và tên (tối đa 150 ký tự).", "full_name")
    today = timezone.localdate()
    if data.birth_date and (data.birth_date > today or data.birth_date.year < 1900):
        raise OrganisationError("Ngày sinh không hợp lệ.", "birth_date")
    year = data.birth_year
    if year is not None and not 1900 <= year <= today.year:
        raise OrganisationError(f"Năm sinh phải từ 1900 đến {today.year}.", "birth_year")
    gender = (data.gender or "").strip().lower()
    gender = {"nam": "male", "nu": "female", "m": "male", "f": "female"}.get(fold(gender), gender)
    if gender and gender not in Gender.values:
        raise OrganisationError("Giới tính: Nam, Nữ hoặc để trống.", "gender")
    phone = re.sub(r"[\s.\-()]", "", data.phone or "")
    if phone and not _PHONE_RE.match(phone):
        raise OrganisationError(f"Số điện thoại «{(data.phone or '')[:20]}» không hợp lệ.", "phone")
    commune = get_commune(data.commune)
    village = find_village(commune, data.village, "village") if (data.village or "").strip() else None
    return {
        "full_name": name, "birth_date": data.birth_date, "birth_year": year if not data.birth_date else None,
        "gender": gender, "phone": phone, "commune": commune, "village": village,
    }  # fmt: skip


def find_or_create_person(user: Any, data: PersonInput) -> Person:
    """The person with the same name and birth (date or year) in the commune, or a new one."""
    c = _clean_person(data)
    _require_manage(user, c["commune"])
    year = c["birth_date"].year if c["birth_date"] else c["birth_year"]
    existing = Person.objects.filter(commune=c["commune"], search_text=fold(c["full_name"]))
    for person in existing:
        same_birth = (c["birth_date"] and person.birth_date == c["birth_date"]) or (
            not c["birth_date"] and year is not None and person.year == year
        )
        if same_birth or (year is None and person.year is None):
            changed = False
            if c["birth_date"] and not person.birth_date:
                person.birth_date, changed = c["birth_date"], True
            if c["phone"] and not person.phone_encrypted:
                person.phone_encrypted, changed = crypto.encrypt(c["phone"]), True
            if c["village"] and not person.village_id:
                person.village, changed = c["village"], True
            if changed:
                person.save()
            return person
    phone = c.pop("phone")
    person = Person(**c, phone_encrypted=crypto.encrypt(phone))
    person.save()
    return person


def visible_people(user: Any, perm: Perm = Perm.MANAGE_MOVEMENT) -> QuerySet[Person]:
    qs = Person.objects.select_related("commune", "village")
    roots = scope(user, perm)
    if roots is None:
        return qs
    if not roots:
        return qs.none()
    return qs.filter(_within(roots))


def search_people(user: Any, q: str, commune: Area | None = None, limit: int = 20) -> list[Person]:
    """People the user may manage whose name contains every word of `q` (no marks, đ→d)."""
    qs = visible_people(user)
    if commune is not None:
        qs = qs.filter(commune=commune)
    words = fold(q or "").split()[:6]
    if not words:
        return []
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return list(qs[:limit])


def get_person(user: Any, pk: int | str) -> Person:
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise OrganisationNotFound("Không tìm thấy người này.") from None
    person = visible_people(user).filter(pk=number).first()
    if person is None:
        raise OrganisationNotFound("Không tìm thấy người này.")
    return person


def phone(user: Any, person: Person, purpose: str = "") -> str:
    """The person's phone number, for someone who manages the movement where the person lives.
    Every read writes an audit event."""
    if not has_perm(user, Perm.MANAGE_MOVEMENT, person.commune):
        raise OrganisationForbidden("Bạn không có quyền xem số điện thoại của người này.")
    value = crypto.decrypt(person.phone_encrypted)
    audit.record_read(person, ["phone"], area_path=person.area_path, purpose=purpose or "liên hệ thành viên")
    return value


# --- memberships ------------------------------------------------------------------------------------


def age_on(person: Person, day: datetime.date) -> int | None:
    if person.birth_date:
        b = person.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
    if person.birth_year:
        return day.year - person.birth_year
    return None


@dataclass
class MembershipInput:
    role: str = Role.MEMBER
    joined_on: datetime.date | None = None
    age_exception: bool = False  # approved by the commune chairman (Law 30/2023)
    age_exception_note: str = ""


def check_age(kind: OrganisationType, person: Person, joined: datetime.date, exception: bool) -> None:
    """Law 30/2023: 18 to 70 when joining; older only with the chairman's approval; never younger."""
    if not kind.has_age_rule:
        return
    age = age_on(person, joined)
    if age is None:
        raise OrganisationError(
            f"Cần ngày sinh hoặc năm sinh của {person.full_name} để kiểm tra độ tuổi tham gia "
            f"{kind.name.lower()}.",
            "birth_date",
        )
    if age < kind.min_age:
        raise OrganisationError(
            f"{person.full_name} mới {age} tuổi khi tham gia; thành viên {kind.name.lower()} phải từ đủ "
            f"{kind.min_age} tuổi (Luật số 30/2023/QH15).",
            "birth_date",
        )
    if age > kind.max_age and not exception:
        raise OrganisationError(
            f"{person.full_name} đã {age} tuổi khi tham gia; thành viên {kind.name.lower()} không quá "
            f"{kind.max_age} tuổi, trừ khi Chủ tịch UBND xã đồng ý (hãy ghi nhận sự đồng ý đó).",
            "age_exception",
        )


def add_membership(user: Any, org: Organisation, person: Person, data: MembershipInput) -> Membership:
    _require_manage(user, org.commune)
    kind = org.type
    role = (data.role or "").strip() or Role.MEMBER
    if role not in kind.role_list:
        allowed = ", ".join(ROLE_VI.get(r, r) for r in kind.role_list)
        raise OrganisationError(f"Vai trò «{ROLE_VI.get(role, role)}» không dùng cho {kind.name.lower()}; "
                                f"chọn: {allowed}.", "role")  # fmt: skip
    joined = data.joined_on or timezone.localdate()
    if joined > timezone.localdate():
        raise OrganisationError("Ngày tham gia không thể ở tương lai.", "joined_on")
    if org.founded_on and joined < org.founded_on:
        raise OrganisationError("Ngày tham gia không thể trước ngày thành lập tổ chức.", "joined_on")
    if org.dissolved_on:
        raise OrganisationError("Tổ chức đã giải thể, không thể thêm thành viên.", "organisation")
    if person.commune_id != org.commune_id:
        raise OrganisationError(f"{person.full_name} không cư trú tại {org.commune.name}.", "person")
    check_age(kind, person, joined, data.age_exception)
    note = nfc(data.age_exception_note or "").strip()[:300]
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=org.pk).first()
        current = org.memberships.filter(left_on__isnull=True)
        if current.filter(person=person).exists():
            raise OrganisationError(f"{person.full_name} đang là thành viên của {org.name}.", "person", 409)
        if role == Role.LEADER and kind.single_leader:
            leader = current.filter(role=Role.LEADER).select_related("person").first()
            if leader is not None:
                raise OrganisationError(
                    f"{org.name} đang có tổ trưởng là {leader.person.full_name}; hãy cho người đó thôi "
                    "giữ chức trước khi chọn tổ trưởng mới.",
                    "role",
                    409,
                )
        return Membership.objects.create(
            organisation=org, person=person, role=role, joined_on=joined,
            age_exception=bool(data.age_exception), age_exception_note=note,
        )  # fmt: skip


def get_membership(user: Any, pk: int | str) -> Membership:
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise OrganisationNotFound("Không tìm thấy thành viên.") from None
    m = (
        Membership.objects.select_related("organisation__type", "organisation__commune", "person")
        .filter(pk=number, organisation__in=visible_organisations(user))
        .first()
    )
    if m is None:
        raise OrganisationNotFound("Không tìm thấy thành viên.")
    return m


def end_membership(user: Any, m: Membership, left_on: datetime.date | None = None) -> Membership:
    _require_manage(user, m.organisation.commune)
    if m.left_on is not None:
        raise OrganisationError(
            f"{m.person.full_name} đã rời tổ chức ngày {m.left_on:%d/%m/%Y}.", "left_on", 409
        )
    day = left_on or timezone.localdate()
    if day < m.joined_on:
        raise OrganisationError("Ngày rời không thể trước ngày tham gia.", "left_on")
    if day > timezone.localdate():
        raise OrganisationError("Ngày rời không thể ở tương lai.", "left_on")
    m.left_on = day
    m.save(update_fields=["left_on"])
    return m


# --- mediation --------------------------------------------------------------------------------------


@dataclass
class MediationInput:
    case_type: str = ""
    received_on: datetime.date | None = None
    outcome: str = ""
    parties_count: int = 2
    note: str = ""


NAME_HINT = re.compile(r"(?i:\b(ông|bà|anh|chị|cô|chú))\s+[A-ZĐ]")


def create_mediation_case(user: Any, org: Organisation, data: MediationInput) -> MediationCase:
    _require_manage(user, org.commune)
    if not org.type.is_mediation:
        raise OrganisationError(f"{org.name} không phải tổ hoà giải.", "organisation")
    if data.case_type not in CaseType.values:
        raise OrganisationError(f"Loại vụ việc: chọn {', '.join(CASE_TYPE_VI.values())}.", "case_type")
    if data.outcome not in Outcome.values:
        raise OrganisationError(f"Kết quả: chọn {', '.join(OUTCOME_VI.values())}.", "outcome")
    if data.received_on is None:
        raise OrganisationError("Hãy nhập ngày hoà giải.", "received_on")
    if data.received_on > timezone.localdate():
        raise OrganisationError("Ngày hoà giải không thể ở tương lai.", "received_on")
    parties = data.parties_count
    if not isinstance(parties, int) or isinstance(parties, bool) or not 2 <= parties <= MAX_PARTIES:
        raise OrganisationError(f"Số bên phải là số nguyên từ 2 đến {MAX_PARTIES}.", "parties_count")
    note = nfc(data.note or "").strip()
    if len(note) > 500:
        raise OrganisationError("Ghi chú quá dài (tối đa 500 ký tự).", "note")
    if NAME_HINT.search(note):
        raise OrganisationError("Ghi chú không được ghi tên các bên; chỉ ghi số lượng.", "note")
    return MediationCase.objects.create(
        organisation=org, case_type=data.case_type, received_on=data.received_on, outcome=data.outcome,
        parties_count=parties, note=note, created_by=user if getattr(user, "pk", None) else None,
    )  # fmt: skip


def visible_cases(user: Any) -> QuerySet[MediationCase]:
    return MediationCase.objects.filter(organisation__in=visible_organisations(user))


# --- counts -----------------------------------------------------------------------------------------


@dataclass
class TypeCount:
    code: str
    name: str
    organisations: int = 0
    members: int = 0


@dataclass
class Counts:
    area: Area | None
    by_type: list[TypeCount] = field(default_factory=list)
    organisations: int = 0
    members: int = 0
    people: int = 0
    mediation: dict[str, int] = field(default_factory=dict)  # outcome → cases
    mediation_total: int = 0


def counts(area: Area | None, orgs: QuerySet[Organisation] | None = None) -> Counts:
    """Live organisations by type, current members, and mediation cases by outcome in `area` (or in
    `orgs`, a visible set)."""
    qs = (
        Organisation.objects.filter(dissolved_on__isnull=True)
        if orgs is None
        else orgs.filter(dissolved_on__isnull=True)
    )
    if area is not None:
        qs = filter_organisations(qs, Filters(area=area))
    org_by_type = dict(qs.values_list("type").annotate(n=Count("id")).order_by())
    members = Membership.objects.filter(organisation__in=qs.values("pk"), left_on__isnull=True)
    mem_by_type = dict(members.values_list("organisation__type").annotate(n=Count("id")).order_by())
    result = Counts(area=area)
    for t in types(active_only=False):
        if t.pk in org_by_type or t.active:
            result.by_type.append(
                TypeCount(t.code, t.name, org_by_type.get(t.pk, 0), mem_by_type.get(t.pk, 0))
            )
    result.organisations = sum(org_by_type.values())
    result.members = sum(mem_by_type.values())
    result.people = members.values("person").distinct().count()
    cases = MediationCase.objects.filter(organisation__in=qs.values("pk"))
    by_outcome = dict(cases.values_list("outcome").annotate(n=Count("id")).order_by())
    result.mediation = {o: by_outcome.get(o, 0) for o in Outcome.values}
    result.mediation_total = sum(result.mediation.values())
    return result


def form_bool(values: Mapping[str, str], key: str) -> bool:
    return yes(values.get(key, ""))
