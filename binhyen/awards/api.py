"""/api/v1/awards: award proposals and their approval flow, scoped by area."""

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
from binhyen.awards import domain
from binhyen.awards.models import AwardProposal

router = Router(tags=["awards"])


class ProposalOut(Schema):
    id: int
    nominee_kind: str
    nominee_name: str
    commune: str
    commune_name: str
    village: str | None
    village_name: str | None
    award_kind: str
    award_kind_name: str
    year: int
    proposed_on: datetime.date
    achievement: str
    status: str
    status_name: str
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    decision_number: str
    decision_date: datetime.date | None
    issuing_authority: str
    rejected_at: datetime.datetime | None
    rejected_stage: str
    rejection_reason: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ProposalList(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProposalOut]


def proposal_out(p: AwardProposal) -> dict[str, Any]:
    village = p.village if p.village_id else None
    return {
        "id": p.pk,
        "nominee_kind": p.nominee_kind,
        "nominee_name": p.nominee_name,
        "commune": p.commune.code,
        "commune_name": p.commune.name,
        "village": village.code if village else None,
        "village_name": village.name if village else None,
        "award_kind": p.award_kind,
        "award_kind_name": domain.KIND_LABELS.get(p.award_kind, p.award_kind),
        "year": p.year,
        "proposed_on": p.proposed_on,
        "achievement": p.achievement,
        "status": p.status,
        "status_name": domain.STATUS_LABELS.get(p.status, p.status),
        "submitted_at": p.submitted_at,
        "approved_at": p.approved_at,
        "decided_at": p.decided_at,
        "decision_number": p.decision_number,
        "decision_date": p.decision_date,
        "issuing_authority": p.issuing_authority,
        "rejected_at": p.rejected_at,
        "rejected_stage": p.rejected_stage,
        "rejection_reason": p.rejection_reason,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


class ProposalFilters(Schema):
    area: str | None = Field(None, description="mã đơn vị: các đề nghị trong đơn vị đó (cả cấp dưới)")
    from_: datetime.date | None = Field(None, alias="from", description="đề nghị từ ngày (YYYY-MM-DD)")
    to: datetime.date | None = Field(None, description="đề nghị đến ngày (YYYY-MM-DD)")
    award_kind: str | None = Field(None, description="mã hình thức: " + ", ".join(domain.KIND_CODES))
    status: str | None = Field(None, description="trạng thái: " + ", ".join(domain.STATUS_CODES))
    year: int | None = Field(None, description="năm thành tích")


class ProposalIn(Schema):
    nominee_kind: str = Field(..., description="individual (cá nhân) hoặc collective (tập thể)")
    nominee_name: str = Field(..., description="họ tên cá nhân hoặc tên tập thể")
    commune: str = Field(..., description="mã xã, phường, đặc khu đề nghị")
    village: str | None = Field(None, description="mã thôn, tổ dân phố thuộc xã đó")
    award_kind: str = Field(..., description="mã hình thức: " + ", ".join(domain.KIND_CODES))
    year: int | None = Field(None, description="năm thành tích; mặc định năm đề nghị")
    proposed_on: datetime.date | None = Field(None, description="ngày đề nghị; mặc định hôm nay")
    achievement: str = Field(..., description="tóm tắt thành tích")


class ProposalPatch(Schema):
    nominee_kind: str | None = None
    nominee_name: str | None = None
    commune: str | None = None
    village: str | None = None
    award_kind: str | None = None
    year: int | None = None
    proposed_on: datetime.date | None = None
    achievement: str | None = None


class RejectIn(Schema):
    reason: str = Field(..., description="lý do không khen thưởng")


class DecideIn(Schema):
    decision_number: str = Field(..., description="số quyết định, ví dụ 1234/QĐ-UBND")
    decision_date: datetime.date = Field(..., description="ngày quyết định")
    issuing_authority: str = Field(..., description="cơ quan, người ký quyết định")


class KindCount(Schema):
    code: str
    name: str
    total: int
    by_status: dict[str, int]
    individuals: int
    collectives: int


class CountsOut(Schema):
    area: str | None
    area_name: str
    from_: datetime.date | None = Field(None, alias="from")
    to: datetime.date | None
    total: int
    by_status: dict[str, int]
    individuals: int
    collectives: int
    medals_decided: int
    kinds: list[KindCount]


class CountParams(Schema):
    area: str | None = Field(None, description="mã đơn vị; bỏ trống: mọi địa bàn bạn được xem")
    from_: datetime.date | None = Field(None, alias="from", description="đề nghị từ ngày")
    to: datetime.date | None = Field(None, description="đề nghị đến ngày")


def counts_out(c: domain.Counts) -> dict[str, Any]:
    return {
        "area": c.area.code if c.area else None,
        "area_name": c.area.name if c.area else "",
        "from": c.start,
        "to": c.end,
        "total": c.total,
        "by_status": c.by_status,
        "individuals": c.individuals,
        "collectives": c.collectives,
        "medals_decided": c.medals_decided,
        "kinds": [
            {
                "code": r.code,
                "name": r.label,
                "total": r.total,
                "by_status": r.by_status,
                "individuals": r.individuals,
                "collectives": r.collectives,
            }
            for r in c.by_kind
        ],  # fmt: skip
    }


def _visible_counts(user: Any, start: datetime.date | None, end: datetime.date | None) -> domain.Counts:
    qs = domain.filter_proposals(domain.visible_proposals(user), domain.Filters(start=start, end=end))
    return domain.summarise(qs, None, start, end)


def _require_view(request: HttpRequest, area: Area | None = None) -> None:
    if not domain.can_view(request.user, area):
        raise forbidden()


def _get(request: HttpRequest, proposal_id: int) -> AwardProposal:
    _require_view(request)
    with problems(domain.AwardError):
        return domain.get_proposal(request.user, proposal_id)


@router.get("/proposals", response=ProposalList, auth=STAFF_AUTH, summary="Danh sách đề nghị khen thưởng")
def list_award_proposals(
    request: HttpRequest, filters: Query[ProposalFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    area = area_by_code(filters.area) if filters.area else None
    _require_view(request, area)
    f = domain.Filters(area=area, start=filters.from_, end=filters.to, year=filters.year)
    with problems(domain.AwardError):
        domain.check_period(f.start, f.end)
        if filters.award_kind:
            code = domain.kind_code(filters.award_kind)
            if code is None:
                raise domain.AwardError(
                    f"Không có hình thức khen thưởng «{filters.award_kind}».", "award_kind"
                )
            f.award_kind = code
        if filters.status:
            if filters.status not in domain.STATUS_CODES:
                raise domain.AwardError(f"Không có trạng thái «{filters.status}».", "status")
            f.status = filters.status
    return page(domain.filter_proposals(domain.visible_proposals(request.user), f), paging, proposal_out)


@router.get(
    "/counts",
    response=CountsOut,
    auth=STAFF_AUTH,
    by_alias=True,
    summary="Số đề nghị khen thưởng theo hình thức và trạng thái trong kỳ",
)
def award_counts(request: HttpRequest, params: Query[CountParams]) -> dict[str, Any]:
    with problems(domain.AwardError):
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


@router.post(
    "/proposals", response={201: ProposalOut}, auth=STAFF_AUTH, summary="Lập đề nghị khen thưởng (dự thảo)"
)
def create_award_proposal(request: HttpRequest, payload: ProposalIn) -> Status[dict[str, Any]]:
    data = domain.ProposalInput(**{**payload.model_dump(), "village": payload.village or ""})
    with problems(domain.AwardError):
        proposal = domain.create_proposal(request.user, data)
    return Status(201, proposal_out(proposal))


@router.get(
    "/proposals/{int:proposal_id}", response=ProposalOut, auth=STAFF_AUTH, summary="Một đề nghị khen thưởng"
)
def get_award_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    proposal = _get(request, proposal_id)
    domain.record_name_read(proposal)
    return proposal_out(proposal)


@router.patch(
    "/proposals/{int:proposal_id}", response=ProposalOut, auth=STAFF_AUTH, summary="Sửa đề nghị (dự thảo)"
)
def update_award_proposal(request: HttpRequest, proposal_id: int, payload: ProposalPatch) -> dict[str, Any]:
    proposal = _get(request, proposal_id)
    if not domain.can_propose(request.user, proposal):
        raise forbidden()
    data = domain.proposal_data(proposal)
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if name == "village":
            value = value or ""
        elif value is None:
            continue
        setattr(data, name, value)
    with problems(domain.AwardError):
        return proposal_out(domain.update_proposal(request.user, proposal, data))


@router.delete(
    "/proposals/{int:proposal_id}", response={204: None}, auth=STAFF_AUTH, summary="Xoá đề nghị (dự thảo)"
)
def delete_award_proposal(request: HttpRequest, proposal_id: int) -> Status[None]:
    proposal = _get(request, proposal_id)
    with problems(domain.AwardError):
        domain.delete_proposal(request.user, proposal)
    return Status(204, None)


@router.post(
    "/proposals/{int:proposal_id}/submit", response=ProposalOut, auth=STAFF_AUTH, summary="Trình đề nghị"
)
def submit_award_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    proposal = _get(request, proposal_id)
    with problems(domain.AwardError):
        return proposal_out(domain.submit(request.user, proposal))


@router.post(
    "/proposals/{int:proposal_id}/approve",
    response=ProposalOut,
    auth=STAFF_AUTH,
    summary="Duyệt đề nghị (lãnh đạo xã)",
)
def approve_award_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    proposal = _get(request, proposal_id)
    with problems(domain.AwardError):
        return proposal_out(domain.approve(request.user, proposal))


@router.post(
    "/proposals/{int:proposal_id}/reject",
    response=ProposalOut,
    auth=STAFF_AUTH,
    summary="Không khen thưởng (khi duyệt hoặc khi quyết định), có lý do",
)
def reject_award_proposal(request: HttpRequest, proposal_id: int, payload: RejectIn) -> dict[str, Any]:
    proposal = _get(request, proposal_id)
    with problems(domain.AwardError):
        return proposal_out(domain.reject(request.user, proposal, payload.reason))


@router.post(
    "/proposals/{int:proposal_id}/decide",
    response=ProposalOut,
    auth=STAFF_AUTH,
    summary="Ghi quyết định khen thưởng (số, ngày, cơ quan ký)",
)
def decide_award_proposal(request: HttpRequest, proposal_id: int, payload: DecideIn) -> dict[str, Any]:
    proposal = _get(request, proposal_id)
    decision = domain.Decision(payload.decision_number, payload.decision_date, payload.issuing_authority)
    with problems(domain.AwardError):
        return proposal_out(domain.decide(request.user, proposal, decision))
