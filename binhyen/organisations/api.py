"""/api/v1/organisations: organisations of the movement, their members, mediation cases, counts, and the
organisation types (public list, edited by administrators). Scoped by area; rules in organisations.domain."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import ApiProblem, forbidden
from binhyen.areas.models import Area
from binhyen.organisations import domain
from binhyen.organisations.models import MediationCase, Membership, Organisation, OrganisationType, Person

router = Router(tags=["organisations"])


def _problem(e: domain.OrganisationError) -> ApiProblem:
    if e.status in (409, 422):
        return ApiProblem(e.status, e.message, errors=[{"field": e.field, "message": e.message}])
    return ApiProblem(e.status, e.message)


def _area(code: str) -> Area:
    area = Area.objects.filter(code=code.strip()).first()
    if area is None:
        raise ApiProblem(404, f"Không có đơn vị hành chính mã «{code}».")
    return area


def _require_view(request: HttpRequest, area: Area | None = None) -> None:
    allowed = (
        has_perm(request.user, Perm.VIEW_MOVEMENT)
        if area is None
        else has_perm(request.user, Perm.VIEW_MOVEMENT, area)
    )
    if not allowed:
        raise forbidden()


def _get(request: HttpRequest, pk: int) -> Organisation:
    _require_view(request)
    try:
        return domain.get_organisation(request.user, pk)
    except domain.OrganisationError as e:
        raise _problem(e) from None


# --- schemas ----------------------------------------------------------------------------------------


class TypeOut(Schema):
    code: str
    name: str
    description: str
    has_age_rule: bool
    min_age: int
    max_age: int
    single_leader: bool
    is_mediation: bool
    roles: list[str]
    active: bool
    order: int


class TypeIn(Schema):
    code: str = Field(..., description="mã: chữ thường không dấu, số, dấu gạch ngang")
    name: str
    description: str = ""
    has_age_rule: bool = False
    min_age: int = 18
    max_age: int = 70
    single_leader: bool = False
    is_mediation: bool = False
    roles: list[str] = Field(["leader", "deputy", "member"], description="leader, deputy, member, secretary")
    active: bool = True
    order: int = 100


class TypePatch(Schema):
    name: str | None = None
    description: str | None = None
    has_age_rule: bool | None = None
    min_age: int | None = None
    max_age: int | None = None
    single_leader: bool | None = None
    is_mediation: bool | None = None
    roles: list[str] | None = None
    active: bool | None = None
    order: int | None = None


class OrganisationOut(Schema):
    id: int
    type: str
    type_name: str
    name: str
    commune: str
    commune_name: str
    villages: list[str]
    founded_on: datetime.date | None
    dissolved_on: datetime.date | None
    note: str
    members: int


class OrganisationList(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganisationOut]


class OrganisationIn(Schema):
    type: str = Field(..., description="mã loại tổ chức, xem /api/v1/organisations/types")
    name: str
    commune: str = Field(..., description="mã xã, phường, đặc khu")
    villages: list[str] = Field([], description="mã các thôn, tổ dân phố phụ trách")
    founded_on: datetime.date | None = None
    dissolved_on: datetime.date | None = None
    note: str = ""


class OrganisationPatch(Schema):
    type: str | None = None
    name: str | None = None
    commune: str | None = None
    villages: list[str] | None = None
    founded_on: datetime.date | None = None
    dissolved_on: datetime.date | None = None
    note: str | None = None


class OrganisationFilters(Schema):
    area: str | None = Field(None, description="mã đơn vị (cả các cấp dưới; thôn: tổ chức phụ trách thôn)")
    type: str | None = Field(None, description="mã loại tổ chức")
    q: str | None = Field(None, description="tìm theo tên, không phân biệt dấu")
    dissolved: bool = Field(False, description="true: cả tổ chức đã giải thể")


class MembershipOut(Schema):
    id: int
    organisation: int
    person: int
    full_name: str
    birth_year: int | None
    role: str
    joined_on: datetime.date
    left_on: datetime.date | None
    age_exception: bool
    age_exception_note: str


class MembershipIn(Schema):
    person: int | None = Field(None, description="id một người đã có; hoặc điền họ tên, ngày/năm sinh")
    full_name: str = ""
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    gender: str = Field("", description="male, female hoặc trống")
    phone: str = ""
    village: str = Field("", description="mã thôn, tổ dân phố nơi cư trú")
    role: str = Field("member", description="leader, deputy, member, secretary")
    joined_on: datetime.date | None = None
    age_exception: bool = Field(False, description="Chủ tịch UBND xã đồng ý cho người trên 70 tuổi tham gia")
    age_exception_note: str = ""


class EndIn(Schema):
    left_on: datetime.date | None = None


class CaseOut(Schema):
    id: int
    organisation: int
    case_type: str
    received_on: datetime.date
    outcome: str
    parties_count: int
    note: str


class CaseIn(Schema):
    case_type: str = Field(..., description="land, family, neighbours, debt, other")
    received_on: datetime.date
    outcome: str = Field(..., description="successful, unsuccessful, transferred")
    parties_count: int = Field(2, description="số bên (chỉ số lượng, không ghi tên)")
    note: str = ""


class PersonOut(Schema):
    id: int
    full_name: str
    birth_year: int | None
    commune: str
    village: str | None


class PhoneOut(Schema):
    id: int
    phone: str


class TypeCountOut(Schema):
    code: str
    name: str
    organisations: int
    members: int


class CountsOut(Schema):
    area: str | None
    organisations: int
    members: int
    people: int
    by_type: list[TypeCountOut]
    mediation: dict[str, int]
    mediation_total: int


def type_out(t: OrganisationType) -> dict[str, Any]:
    return {**domain.type_data(t).__dict__}


def organisation_out(o: Organisation) -> dict[str, Any]:
    return {
        "id": o.pk,
        "type": o.type.code,
        "type_name": o.type.name,
        "name": o.name,
        "commune": o.commune.code,
        "commune_name": o.commune.name,
        "villages": [v.code for v in o.villages.all()],
        "founded_on": o.founded_on,
        "dissolved_on": o.dissolved_on,
        "note": o.note,
        "members": o.memberships.filter(left_on__isnull=True).count(),
    }


def membership_out(m: Membership) -> dict[str, Any]:
    return {
        "id": m.pk,
        "organisation": m.organisation_id,
        "person": m.person_id,
        "full_name": m.person.full_name,
        "birth_year": m.person.year,
        "role": m.role,
        "joined_on": m.joined_on,
        "left_on": m.left_on,
        "age_exception": m.age_exception,
        "age_exception_note": m.age_exception_note,
    }


def case_out(c: MediationCase) -> dict[str, Any]:
    return {
        "id": c.pk,
        "organisation": c.organisation_id,
        "case_type": c.case_type,
        "received_on": c.received_on,
        "outcome": c.outcome,
        "parties_count": c.parties_count,
        "note": c.note,
    }


def person_out(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk,
        "full_name": p.full_name,
        "birth_year": p.year,
        "commune": p.commune.code,
        "village": p.village.code if p.village_id and p.village else None,
    }


# --- types ------------------------------------------------------------------------------------------


class TypeFilters(Schema):
    all: bool = Field(False, description="true: cả các loại đã ngừng sử dụng")


@router.get("/types", response=list[TypeOut], summary="Danh mục loại tổ chức (công khai)")
def list_organisation_types(request: HttpRequest, filters: Query[TypeFilters]) -> list[dict[str, Any]]:
    return [type_out(t) for t in domain.types(active_only=not filters.all)]


def _require_types(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.MANAGE_MOVEMENT_TYPES, None):
        raise forbidden()


@router.post("/types", response={201: TypeOut}, auth=STAFF_AUTH, summary="Thêm loại tổ chức (quản trị)")
def create_organisation_type(request: HttpRequest, payload: TypeIn) -> Status[dict[str, Any]]:
    _require_types(request)
    try:
        return Status(
            201, type_out(domain.create_type(request.user, domain.TypeInput(**payload.model_dump())))
        )
    except domain.OrganisationError as e:
        raise _problem(e) from None


@router.patch("/types/{code}", response=TypeOut, auth=STAFF_AUTH, summary="Sửa loại tổ chức (quản trị)")
def update_organisation_type(request: HttpRequest, code: str, payload: TypePatch) -> dict[str, Any]:
    _require_types(request)
    t = OrganisationType.objects.filter(code=code).first()
    if t is None:
        raise ApiProblem(404, f"Không có loại tổ chức mã «{code}».")
    data = domain.type_data(t)
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if value is not None:
            setattr(data, name, value)
    try:
        return type_out(domain.update_type(request.user, t, data))
    except domain.OrganisationError as e:
        raise _problem(e) from None


# --- counts and people ------------------------------------------------------------------------------


class CountParams(Schema):
    area: str | None = Field(None, description="mã đơn vị; bỏ trống: mọi địa bàn bạn được xem")


def counts_out(c: domain.Counts) -> dict[str, Any]:
    return {
        "area": c.area.code if c.area else None,
        "organisations": c.organisations,
        "members": c.members,
        "people": c.people,
        "by_type": [t.__dict__ for t in c.by_type],
        "mediation": c.mediation,
        "mediation_total": c.mediation_total,
    }


@router.get(
    "/counts", response=CountsOut, auth=STAFF_AUTH, summary="Số tổ chức theo loại, thành viên, hoà giải"
)
def organisation_counts(request: HttpRequest, params: Query[CountParams]) -> dict[str, Any]:
    if params.area:
        area = _area(params.area)
        _require_view(request, area)
        return counts_out(domain.counts(area))
    _require_view(request)
    if scope(request.user, Perm.VIEW_MOVEMENT) is None:
        return counts_out(domain.counts(None))
    return counts_out(domain.counts(None, domain.visible_organisations(request.user)))


class PeopleParams(Schema):
    q: str = Field(..., description="họ tên (không phân biệt dấu)")
    commune: str | None = None


def _require_manage_any(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.MANAGE_MOVEMENT):
        raise forbidden()


@router.get("/people", response=list[PersonOut], auth=STAFF_AUTH, summary="Tìm người (để thêm thành viên)")
def search_people(request: HttpRequest, params: Query[PeopleParams]) -> list[dict[str, Any]]:
    commune = _area(params.commune) if params.commune else None
    if commune is not None and not has_perm(request.user, Perm.MANAGE_MOVEMENT, commune):
        raise forbidden()
    _require_manage_any(request)
    return [person_out(p) for p in domain.search_people(request.user, params.q, commune)]


@router.get(
    "/people/{int:person_id}/phone",
    response=PhoneOut,
    auth=STAFF_AUTH,
    summary="Số điện thoại của một người (mỗi lần xem được ghi nhật ký)",
)
def person_phone(request: HttpRequest, person_id: int) -> dict[str, Any]:
    _require_manage_any(request)
    try:
        person = domain.get_person(request.user, person_id)
        return {"id": person.pk, "phone": domain.phone(request.user, person, "API")}
    except domain.OrganisationError as e:
        raise _problem(e) from None


# --- organisations ----------------------------------------------------------------------------------


@router.get("", response=OrganisationList, auth=STAFF_AUTH, summary="Danh sách tổ chức (theo địa bàn)")
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    area = _area(filters.area) if filters.area else None
    _require_view(request, area)
    f = domain.Filters(area=area, q=filters.q or "", include_dissolved=filters.dissolved)
    try:
        if filters.type:
            f.type = domain.get_type(filters.type)
    except domain.OrganisationError as e:
        raise _problem(e) from None
    qs = domain.filter_organisations(domain.visible_organisations(request.user), f)
    return page(qs.prefetch_related("villages"), paging, organisation_out)


@router.post("", response={201: OrganisationOut}, auth=STAFF_AUTH, summary="Thêm tổ chức")
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status[dict[str, Any]]:
    try:
        org = domain.create_organisation(request.user, domain.OrganisationInput(**payload.model_dump()))
    except domain.OrganisationError as e:
        raise _problem(e) from None
    return Status(201, organisation_out(org))


@router.get("/{int:organisation_id}", response=OrganisationOut, auth=STAFF_AUTH, summary="Một tổ chức")
def get_organisation(request: HttpRequest, organisation_id: int) -> dict[str, Any]:
    return organisation_out(_get(request, organisation_id))


@router.patch("/{int:organisation_id}", response=OrganisationOut, auth=STAFF_AUTH, summary="Sửa tổ chức")
def update_organisation(
    request: HttpRequest, organisation_id: int, payload: OrganisationPatch
) -> dict[str, Any]:
    org = _get(request, organisation_id)
    if not domain.can_manage(request.user, org.commune):
        raise forbidden()
    data = domain.organisation_data(org)
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if name in ("type", "name", "commune", "villages") and value is None:
            continue
        setattr(data, name, "" if name == "note" and value is None else value)
    try:
        return organisation_out(domain.update_organisation(request.user, org, data))
    except domain.OrganisationError as e:
        raise _problem(e) from None


@router.get(
    "/{int:organisation_id}/members", response=list[MembershipOut], auth=STAFF_AUTH, summary="Thành viên"
)
def list_memberships(request: HttpRequest, organisation_id: int) -> list[dict[str, Any]]:
    org = _get(request, organisation_id)
    return [membership_out(m) for m in org.memberships.select_related("person")]


@router.post(
    "/{int:organisation_id}/members",
    response={201: MembershipOut},
    auth=STAFF_AUTH,
    summary="Thêm thành viên (kiểm tra độ tuổi theo Luật 30/2023 với tổ bảo vệ ANTT)",
)
def add_membership(
    request: HttpRequest, organisation_id: int, payload: MembershipIn
) -> Status[dict[str, Any]]:
    org = _get(request, organisation_id)
    if not domain.can_manage(request.user, org.commune):
        raise forbidden()
    try:
        with transaction.atomic():
            if payload.person is not None:
                person = domain.get_person(request.user, payload.person)
            else:
                person = domain.find_or_create_person(
                    request.user,
                    domain.PersonInput(
                        full_name=payload.full_name, birth_date=payload.birth_date,
                        birth_year=payload.birth_year, gender=payload.gender, phone=payload.phone,
                        commune=org.commune.code, village=payload.village,
                    ),
                )  # fmt: skip
            m = domain.add_membership(
                request.user,
                org,
                person,
                domain.MembershipInput(
                    role=payload.role, joined_on=payload.joined_on, age_exception=payload.age_exception,
                    age_exception_note=payload.age_exception_note,
                ),
            )  # fmt: skip
    except domain.OrganisationError as e:
        raise _problem(e) from None
    return Status(201, membership_out(m))


@router.post(
    "/memberships/{int:membership_id}/end",
    response=MembershipOut,
    auth=STAFF_AUTH,
    summary="Thành viên rời tổ",
)
def end_membership(request: HttpRequest, membership_id: int, payload: EndIn) -> dict[str, Any]:
    _require_view(request)
    try:
        m = domain.get_membership(request.user, membership_id)
        return membership_out(domain.end_membership(request.user, m, payload.left_on))
    except domain.OrganisationError as e:
        raise _problem(e) from None


@router.get(
    "/{int:organisation_id}/mediation-cases",
    response=list[CaseOut],
    auth=STAFF_AUTH,
    summary="Vụ việc hoà giải",
)
def list_mediation_cases(request: HttpRequest, organisation_id: int) -> list[dict[str, Any]]:
    org = _get(request, organisation_id)
    return [case_out(c) for c in org.mediation_cases.all()]


@router.post(
    "/{int:organisation_id}/mediation-cases",
    response={201: CaseOut},
    auth=STAFF_AUTH,
    summary="Ghi một vụ việc hoà giải (chỉ số bên, không ghi tên)",
)
def create_mediation_case(
    request: HttpRequest, organisation_id: int, payload: CaseIn
) -> Status[dict[str, Any]]:
    org = _get(request, organisation_id)
    if not domain.can_manage(request.user, org.commune):
        raise forbidden()
    try:
        case = domain.create_mediation_case(request.user, org, domain.MediationInput(**payload.model_dump()))
    except domain.OrganisationError as e:
        raise _problem(e) from None
    return Status(201, case_out(case))
