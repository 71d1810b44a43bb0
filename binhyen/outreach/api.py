"""/api/v1/outreach: outreach sessions (buổi tuyên truyền), scoped by area."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import forbidden
from binhyen.api.registry import area_by_code, problems, scoped_counts
from binhyen.areas.models import Area
from binhyen.outreach import domain
from binhyen.outreach.models import OutreachSession

router = Router(tags=["outreach"])


class SessionOut(Schema):
    id: int
    date: datetime.date
    commune: str
    commune_name: str
    village: str | None
    village_name: str | None
    place: str
    topics: list[str]
    topic_names: list[str]
    organiser: str
    attendees: int
    leaflets: int
    note: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class SessionList(Schema):
    count: int
    limit: int
    offset: int
    items: list[SessionOut]


def session_out(s: OutreachSession) -> dict[str, Any]:
    village = s.village if s.village_id else None
    return {
        "id": s.pk,
        "date": s.date,
        "commune": s.commune.code,
        "commune_name": s.commune.name,
        "village": village.code if village else None,
        "village_name": village.name if village else None,
        "place": s.place,
        "topics": s.topic_list,
        "topic_names": s.topic_labels,
        "organiser": s.organiser,
        "attendees": s.attendees,
        "leaflets": s.leaflets,
        "note": s.note,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


class SessionFilters(Schema):
    area: str | None = Field(None, description="mã đơn vị: các buổi trong đơn vị đó (cả các cấp dưới)")
    from_: datetime.date | None = Field(
        None, alias="from", description="từ ngày (YYYY-MM-DD), tính cả ngày đó"
    )
    to: datetime.date | None = Field(None, description="đến ngày (YYYY-MM-DD), tính cả ngày đó")
    topic: str | None = Field(None, description="mã chủ đề: " + ", ".join(domain.TOPIC_CODES))


class SessionIn(Schema):
    date: datetime.date = Field(..., description="ngày tổ chức")
    commune: str = Field(..., description="mã xã, phường, đặc khu")
    village: str | None = Field(None, description="mã thôn, tổ dân phố thuộc xã đó")
    place: str = Field(..., description="địa điểm")
    topics: list[str] = Field(..., description="mã chủ đề: " + ", ".join(domain.TOPIC_CODES))
    organiser: str = Field(..., description="đơn vị, người tổ chức")
    attendees: int = Field(0, description="số người tham dự")
    leaflets: int = Field(0, description="số tờ rơi, tài liệu phát ra")
    note: str = ""


class SessionPatch(Schema):
    date: datetime.date | None = None
    commune: str | None = None
    village: str | None = None
    place: str | None = None
    topics: list[str] | None = None
    organiser: str | None = None
    attendees: int | None = None
    leaflets: int | None = None
    note: str | None = None


class TopicCount(Schema):
    code: str
    name: str
    sessions: int
    attendees: int
    leaflets: int


class CountsOut(Schema):
    area: str | None
    area_name: str
    from_: datetime.date | None = Field(None, alias="from")
    to: datetime.date | None
    sessions: int
    attendees: int
    leaflets: int
    communes: int
    topics: list[TopicCount]


class CountParams(Schema):
    area: str | None = Field(None, description="mã đơn vị; bỏ trống: mọi địa bàn bạn được xem")
    from_: datetime.date | None = Field(None, alias="from", description="từ ngày")
    to: datetime.date | None = Field(None, description="đến ngày")


def counts_out(c: domain.Counts) -> dict[str, Any]:
    return {
        "area": c.area.code if c.area else None,
        "area_name": c.area.name if c.area else "",
        "from": c.start,
        "to": c.end,
        "sessions": c.sessions,
        "attendees": c.attendees,
        "leaflets": c.leaflets,
        "communes": c.communes,
        "topics": [
            {
                "code": r.code,
                "name": r.label,
                "sessions": r.sessions,
                "attendees": r.attendees,
                "leaflets": r.leaflets,
            }
            for r in c.by_topic
        ],  # fmt: skip
    }


def _visible_counts(user: Any, start: datetime.date | None, end: datetime.date | None) -> domain.Counts:
    qs = domain.filter_sessions(domain.visible_sessions(user), domain.Filters(start=start, end=end))
    return domain.summarise(qs, None, start, end)


def _require_view(request: HttpRequest, area: Area | None = None) -> None:
    if not domain.can_view(request.user, area):
        raise forbidden()


def _get(request: HttpRequest, session_id: int) -> OutreachSession:
    _require_view(request)
    with problems(domain.OutreachError):
        return domain.get_session(request.user, session_id)


@router.get("/sessions", response=SessionList, auth=STAFF_AUTH, summary="Danh sách buổi tuyên truyền")
def list_outreach_sessions(
    request: HttpRequest, filters: Query[SessionFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    area = area_by_code(filters.area) if filters.area else None
    _require_view(request, area)
    f = domain.Filters(area=area, start=filters.from_, end=filters.to)
    with problems(domain.OutreachError):
        domain.check_period(f.start, f.end)
        if filters.topic:
            code = domain.topic_code(filters.topic)
            if code is None:
                raise domain.OutreachError(f"Không có chủ đề «{filters.topic}».", "topic")
            f.topic = code
    return page(domain.filter_sessions(domain.visible_sessions(request.user), f), paging, session_out)


@router.get(
    "/counts", response=CountsOut, auth=STAFF_AUTH, by_alias=True,
    summary="Số buổi, số người tham dự, số tờ rơi theo chủ đề trong kỳ",
)  # fmt: skip
def outreach_counts(request: HttpRequest, params: Query[CountParams]) -> dict[str, Any]:
    with problems(domain.OutreachError):
        return counts_out(
            scoped_counts(
                request,
                params.area,
                params.from_,
                params.to,
                require_view=_require_view,
                counts=domain.counts,
                check_period=domain.check_period,
                summarise_visible=_visible_counts,
            )
        )


@router.post("/sessions", response={201: SessionOut}, auth=STAFF_AUTH, summary="Ghi một buổi tuyên truyền")
def create_outreach_session(request: HttpRequest, payload: SessionIn) -> Status[dict[str, Any]]:
    data = domain.SessionInput(**{**payload.model_dump(), "village": payload.village or ""})
    with problems(domain.OutreachError):
        session = domain.create_session(request.user, data)
    return Status(201, session_out(session))


@router.get(
    "/sessions/{int:session_id}", response=SessionOut, auth=STAFF_AUTH, summary="Một buổi tuyên truyền"
)
def get_outreach_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    return session_out(_get(request, session_id))


@router.patch(
    "/sessions/{int:session_id}", response=SessionOut, auth=STAFF_AUTH, summary="Sửa buổi tuyên truyền"
)
def update_outreach_session(request: HttpRequest, session_id: int, payload: SessionPatch) -> dict[str, Any]:
    session = _get(request, session_id)
    if not domain.can_manage(request.user, session):
        raise forbidden()
    data = domain.session_data(session)
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if name in ("village", "note"):
            value = value or ""
        elif value is None:
            continue
        setattr(data, name, value)
    with problems(domain.OutreachError):
        return session_out(domain.update_session(request.user, session, data))


@router.delete(
    "/sessions/{int:session_id}", response={204: None}, auth=STAFF_AUTH, summary="Xoá buổi tuyên truyền"
)
def delete_outreach_session(request: HttpRequest, session_id: int) -> Status[None]:
    session = _get(request, session_id)
    with problems(domain.OutreachError):
        domain.delete_session(request.user, session)
    return Status(204, None)
