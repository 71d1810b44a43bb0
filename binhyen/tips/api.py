"""/api/v1/tips, /api/v1/tip-categories and the signed inbound webhook for SMS gateways and chat apps.

Anyone may send a tip (anonymous callers are rate limited per address); staff in the tip's commune read
and work on them. No response here ever carries the reporter's identity except `GET /tips/{id}/reporter`,
which is audited and limited to the officer handling the tip and commune leaders.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from binhyen.accounts.permissions import Perm, has_perm
from binhyen.api.auth import STAFF_AUTH
from binhyen.api.pagination import PageParams, page
from binhyen.api.problems import ApiProblem, forbidden
from binhyen.areas.models import Area
from binhyen.core import ratelimit
from binhyen.core.text import fold
from binhyen.tips import domain
from binhyen.tips.models import Category, Channel, InboundChannel, Tip
from binhyen.tips.models import Status as TipStatus
from binhyen.tips.search import search

router = Router(tags=["tips"])
categories_router = Router(tags=["tips"])
webhook_router = Router(tags=["tips"])


def _anonymous(request: HttpRequest) -> bool:
    """Last in the auth list: lets an anonymous caller through (request.user stays anonymous)."""
    return True


OPEN_AUTH = [*STAFF_AUTH, _anonymous]


def _problem(e: domain.TipError) -> ApiProblem:
    errors = [{"field": e.field, "message": e.message}] if e.field else []
    return ApiProblem(e.status, e.message, code=e.code, errors=errors)


def _iso(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


# --- categories ---------------------------------------------------------------------------------------


class CategoryOut(Schema):
    code: str
    name: str
    description: str
    group: str


@categories_router.get("", response=list[CategoryOut], summary="Các loại tin báo (công khai)")
def list_tip_categories(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": c.code, "name": c.name, "description": c.description, "group": c.group}
        for c in domain.active_categories()
    ]


# --- intake -------------------------------------------------------------------------------------------


class ReporterIn(Schema):
    name: str = ""
    phone: str = ""
    email: str = ""


class TipIn(Schema):
    category: str = Field(..., description="mã loại tin (GET /api/v1/tip-categories)")
    description: str = Field(..., description="sự việc (10–5000 ký tự)")
    commune: str = Field(..., description="mã xã/phường nơi xảy ra")
    village: str = Field("", description="mã thôn/tổ dân phố (nếu biết)")
    occurred_at: datetime.datetime | None = Field(None, description="thời điểm xảy ra (ISO 8601)")
    occurred_approx: bool = Field(False, description="thời điểm chỉ là khoảng chừng")
    occurred_text: str = Field("", description="thời điểm bằng lời, ví dụ «khoảng tối thứ Bảy»")
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_unknown: bool = Field(False, description="người báo không nhớ chính xác nơi xảy ra")
    anonymous: bool = Field(True, description="ẩn danh: không kèm họ tên hay liên hệ")
    reporter: ReporterIn | None = Field(None, description="chỉ khi không ẩn danh; được mã hoá khi lưu")
    channel: str = Field("", description="cán bộ nhập tin: phone | in_person | mail | …")
    media_urls: list[str] = Field(default_factory=list, description="đường dẫn ảnh/video (tối đa 5)")


class TipCreated(Schema):
    id: int
    tracking_code: str
    status: str
    received_at: str
    tracking_url: str


def _is_staff_caller(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and has_perm(user, Perm.HANDLE_TIPS))


def check_rate(request: HttpRequest) -> None:
    if not ratelimit.hit(
        "tips", ratelimit.client_ip(request), settings.TIP_RATE_LIMIT, settings.TIP_RATE_WINDOW_SECONDS
    ):
        raise ApiProblem(429, "Bạn đã gửi quá nhiều tin trong thời gian ngắn; vui lòng thử lại sau ít phút.")


@router.post("", response={201: TipCreated}, auth=OPEN_AUTH, summary="Gửi tin báo (không cần đăng nhập)")
def create_tip(request: HttpRequest, payload: TipIn) -> Status[dict[str, Any]]:
    staff = _is_staff_caller(request)
    if not staff:
        check_rate(request)
    reporter = payload.reporter or ReporterIn()
    channel = Channel.API
    if payload.channel:
        if not staff:
            raise ApiProblem(422, "Chỉ cán bộ nhập tin mới ghi kênh tiếp nhận.", field="channel")
        if payload.channel not in Channel.values:
            raise ApiProblem(422, f"Kênh tiếp nhận «{payload.channel}» không có.", field="channel")
        channel = Channel(payload.channel)
    new = domain.NewTip(
        category=payload.category,
        description=payload.description,
        commune=payload.commune,
        village=payload.village,
        occurred_at=payload.occurred_at,
        occurred_approx=payload.occurred_approx,
        occurred_text=payload.occurred_text,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        location_unknown=payload.location_unknown,
        channel=channel,
        anonymous=payload.anonymous,
        reporter_name=reporter.name,
        reporter_phone=reporter.phone,
        reporter_email=reporter.email,
        media_urls=payload.media_urls,
    )
    entered_by = request.user if staff else None
    if staff:
        commune = Area.objects.filter(code=payload.commune).first()
        if commune is not None and not has_perm(request.user, Perm.HANDLE_TIPS, commune):
            raise forbidden()
    try:
        tip = domain.submit(new, entered_by=entered_by)
    except domain.TipError as e:
        raise _problem(e) from None
    return Status(
        201,
        {
            "id": tip.pk,
            "tracking_code": tip.tracking_code,
            "status": tip.status,
            "received_at": _iso(tip.received_at),
            "tracking_url": f"{settings.SITE_URL}/theo-doi/{tip.tracking_code}/",
        },
    )


class PublicEvent(Schema):
    at: str
    kind: str
    status: str
    text: str


class TipTracking(Schema):
    tracking_code: str
    category: str
    commune: str
    status: str
    status_label: str
    outcome: str
    outcome_label: str
    received_at: str
    updated_at: str
    events: list[PublicEvent]


@router.get("/track/{code}", response=TipTracking, summary="Theo dõi tin báo bằng mã (công khai)")
def track_tip(request: HttpRequest, code: str) -> dict[str, Any]:
    view = domain.public_view(code)
    if view is None:
        raise ApiProblem(404, "Không có tin báo với mã theo dõi này; hãy kiểm tra lại mã.")
    return {
        **{k: view[k] for k in ("tracking_code", "category", "commune", "status", "status_label")},
        "outcome": view["outcome"],
        "outcome_label": view["outcome_label"],
        "received_at": _iso(view["received_at"]),
        "updated_at": _iso(view["updated_at"]),
        "events": [
            {"at": _iso(e["at"]), "kind": e["kind"], "status": e["status"] or "", "text": e["text"]}
            for e in view["events"]
        ],
    }


# --- staff: list, read, update ---------------------------------------------------------------------


class TipOut(Schema):
    id: int
    tracking_code: str
    category: str
    category_name: str
    description: str
    channel: str
    anonymous: bool
    has_reporter: bool
    commune: str
    village: str | None
    address: str
    latitude: float | None
    longitude: float | None
    location_unknown: bool
    occurred_at: str | None
    occurred_approx: bool
    occurred_text: str
    status: str
    received_at: str
    deadline: str
    deadline_state: str
    extensions: int
    claimed_by: str | None
    decided_by: str | None
    decided_at: str | None
    decision_reason: str
    duplicate_of: str | None
    outcome: str
    outcome_note: str
    valuable: bool
    valuable_reason: str


def tip_out(tip: Tip, *, with_reporter_flag: bool = True) -> dict[str, Any]:
    return {
        "id": tip.pk,
        "tracking_code": tip.tracking_code,
        "category": tip.category.code,
        "category_name": tip.category.name,
        "description": tip.description,
        "channel": tip.channel,
        "anonymous": tip.anonymous,
        "has_reporter": domain.has_reporter(tip) if with_reporter_flag else not tip.anonymous,
        "commune": tip.commune.code,
        "village": tip.village.code if tip.village_id and tip.village else None,
        "address": tip.address,
        "latitude": tip.latitude,
        "longitude": tip.longitude,
        "location_unknown": tip.location_unknown,
        "occurred_at": _iso(tip.occurred_at),
        "occurred_approx": tip.occurred_approx,
        "occurred_text": tip.occurred_text,
        "status": tip.status,
        "received_at": _iso(tip.received_at),
        "deadline": _iso(tip.deadline),
        "deadline_state": domain.deadline_state(tip),
        "extensions": tip.extensions,
        "claimed_by": tip.claimed_by.username if tip.claimed_by_id and tip.claimed_by else None,
        "decided_by": tip.decided_by.username if tip.decided_by_id and tip.decided_by else None,
        "decided_at": _iso(tip.decided_at),
        "decision_reason": tip.decision_reason,
        "duplicate_of": tip.duplicate_of.tracking_code if tip.duplicate_of_id and tip.duplicate_of else None,
        "outcome": tip.outcome,
        "outcome_note": tip.outcome_note,
        "valuable": tip.valuable,
        "valuable_reason": tip.valuable_reason,
    }


class TipList(Schema):
    count: int
    limit: int
    offset: int
    items: list[TipOut]


class TipFilters(Schema):
    q: str | None = Field(None, description="tìm nội dung, không phân biệt dấu (đ = d)")
    status: str | None = Field(None, description="received | checking | forwarded | … (nhiều: phẩy)")
    category: str | None = None
    area: str | None = Field(None, description="mã xã/thôn: chỉ tin trong đơn vị này")
    received_from: datetime.date | None = Field(None, alias="from")
    received_to: datetime.date | None = Field(None, alias="to")
    deadline: str | None = Field(None, description="overdue | due_soon")
    valuable: bool | None = None
    claimed: str | None = Field(None, description="me | none")


def filter_tips(user: Any, filters: TipFilters) -> Any:
    qs = domain.visible_tips(user)
    if filters.status:
        wanted = [s.strip() for s in filters.status.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in TipStatus.values]
        if unknown:
            raise ApiProblem(422, f"Trạng thái không hợp lệ: {', '.join(unknown)}.", field="status")
        qs = qs.filter(status__in=wanted)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.area:
        area = Area.objects.filter(code=filters.area).first()
        if area is None:
            raise ApiProblem(422, f"Không có đơn vị mã «{filters.area}».", field="area")
        qs = qs.filter(area_path__gte=area.path, area_path__lt=area.path + "z")
    tz = timezone.get_current_timezone()
    if filters.received_from:
        qs = qs.filter(received_at__gte=datetime.datetime.combine(filters.received_from, datetime.time(), tz))
    if filters.received_to:
        end = datetime.datetime.combine(filters.received_to + datetime.timedelta(days=1), datetime.time(), tz)
        qs = qs.filter(received_at__lt=end)
    if filters.deadline == "overdue":
        qs = domain.overdue(qs)
    elif filters.deadline == "due_soon":
        qs = domain.due_soon(qs)
    elif filters.deadline:
        raise ApiProblem(422, "deadline phải là overdue hoặc due_soon.", field="deadline")
    if filters.valuable is not None:
        qs = qs.filter(valuable=filters.valuable)
    if filters.claimed == "me":
        qs = qs.filter(claimed_by=user)
    elif filters.claimed == "none":
        qs = qs.filter(claimed_by__isnull=True)
    if filters.q:
        qs = search(qs, filters.q)
    return qs.select_related("decided_by", "duplicate_of")


def _require_view(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.VIEW_TIPS):
        raise forbidden()


@router.get("", response=TipList, auth=STAFF_AUTH, summary="Danh sách tin báo trong đơn vị (cán bộ)")
def list_tips(request: HttpRequest, filters: Query[TipFilters], paging: Query[PageParams]) -> dict[str, Any]:
    _require_view(request)
    qs = filter_tips(request.user, filters)
    return page(qs, paging, lambda t: tip_out(t, with_reporter_flag=False))


def _tip(request: HttpRequest, tip_id: int) -> Tip:
    _require_view(request)
    try:
        return domain.get_tip(request.user, tip_id)
    except domain.TipError as e:
        raise _problem(e) from None


class EventOut(Schema):
    at: str
    kind: str
    actor: str
    public: bool
    text: str
    data: dict[str, Any]


class NoteOut(Schema):
    id: int
    author: str
    body: str
    public: bool
    created_at: str


class AttachmentOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    url: str
    from_reporter: bool
    created_at: str


class TipDetail(TipOut):
    events: list[EventOut]
    notes: list[NoteOut]
    attachments: list[AttachmentOut]


def _detail(tip: Tip) -> dict[str, Any]:
    return {
        **tip_out(tip),
        "events": [
            {
                "at": _iso(e.at),
                "kind": e.kind,
                "actor": e.actor_label,
                "public": e.public,
                "text": e.text,
                "data": e.data,
            }
            for e in tip.events.all()
        ],
        "notes": [
            {
                "id": n.pk,
                "author": n.author.username if n.author else "",
                "body": n.body,
                "public": n.public,
                "created_at": _iso(n.created_at),
            }
            for n in tip.notes.select_related("author")
        ],
        "attachments": [
            {
                "id": a.pk,
                "kind": a.kind,
                "content_type": a.content_type,
                "size": a.size,
                "url": a.url or f"/tips/attachments/{a.pk}/",
                "from_reporter": a.from_reporter,
                "created_at": _iso(a.created_at),
            }
            for a in tip.attachments.all()
        ],
    }


@router.get("/{tip_id}", response=TipDetail, auth=STAFF_AUTH, summary="Một tin báo, với dòng thời gian")
def get_tip(request: HttpRequest, tip_id: int) -> dict[str, Any]:
    return _detail(_tip(request, tip_id))


class ExtendIn(Schema):
    reason: str
    days: int | None = Field(None, ge=1, le=62)


class TipPatch(Schema):
    """Each field is one step of the work; several may be sent together and run in this order."""

    claim: bool | None = Field(None, description="true: nhận xử lý; false: trả lại")
    take_over: bool = Field(False, description="lãnh đạo nhận thay người đang xử lý")
    status: str | None = Field(
        None, description="checking, hoặc một quyết định: forwarded | administrative | …"
    )
    reason: str = Field("", description="lý do quyết định")
    duplicate_of: str | None = Field(None, description="mã theo dõi hoặc id của tin gốc")
    outcome: str | None = Field(None, description="prosecuted | not_prosecuted | suspended")
    outcome_note: str = ""
    valuable: bool | None = None
    valuable_reason: str = ""
    extend: ExtendIn | None = None


@router.patch("/{tip_id}", response=TipDetail, auth=STAFF_AUTH, summary="Xử lý tin báo (cán bộ)")
def update_tip(request: HttpRequest, tip_id: int, payload: TipPatch) -> dict[str, Any]:
    tip = _tip(request, tip_id)
    user = request.user
    if not domain.can_handle(user, tip):
        raise forbidden()
    try:
        if payload.claim is True:
            tip = domain.claim(user, tip, take_over=payload.take_over)
        if payload.status == TipStatus.CHECKING:
            tip = domain.start_check(user, tip)
        elif payload.status:
            tip = domain.decide(user, tip, payload.status, payload.reason, payload.duplicate_of)
        if payload.outcome:
            tip = domain.record_outcome(user, tip, payload.outcome, payload.outcome_note)
        if payload.valuable is not None:
            tip = domain.set_valuable(user, tip, payload.valuable, payload.valuable_reason)
        if payload.extend is not None:
            tip = domain.extend(user, tip, payload.extend.reason, payload.extend.days)
        if payload.claim is False:
            tip = domain.release(user, tip)
    except domain.TipError as e:
        raise _problem(e) from None
    return _detail(domain.get_tip(user, tip.pk))


class NoteIn(Schema):
    body: str
    public: bool = Field(False, description="true: người báo tin thấy ghi chú này")


@router.post("/{tip_id}/notes", response={201: NoteOut}, auth=STAFF_AUTH, summary="Thêm ghi chú")
def add_tip_note(request: HttpRequest, tip_id: int, payload: NoteIn) -> Status[dict[str, Any]]:
    tip = _tip(request, tip_id)
    try:
        note = domain.add_note(request.user, tip, payload.body, payload.public)
    except domain.TipError as e:
        raise _problem(e) from None
    return Status(
        201,
        {
            "id": note.pk,
            "author": request.user.username,
            "body": note.body,
            "public": note.public,
            "created_at": _iso(note.created_at),
        },
    )


@router.post(
    "/{tip_id}/attachments", response={201: AttachmentOut}, auth=STAFF_AUTH, summary="Thêm ảnh, video, PDF"
)
def add_tip_attachment(request: HttpRequest, tip_id: int, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    tip = _tip(request, tip_id)
    try:
        a = domain.add_attachment(
            request.user, tip, domain.Upload(file.name or "", file, file.size or 0)  # type: ignore[arg-type]
        )
    except domain.TipError as e:
        raise _problem(e) from None
    return Status(
        201,
        {
            "id": a.pk,
            "kind": a.kind,
            "content_type": a.content_type,
            "size": a.size,
            "url": f"/tips/attachments/{a.pk}/",
            "from_reporter": False,
            "created_at": _iso(a.created_at),
        },
    )


class ReporterOut(Schema):
    name: str
    phone: str
    email: str


@router.get(
    "/{tip_id}/reporter",
    response=ReporterOut,
    auth=STAFF_AUTH,
    summary="Người báo tin (chỉ cán bộ đang xử lý và lãnh đạo xã; mỗi lần xem được ghi nhật ký)",
)
def get_tip_reporter(request: HttpRequest, tip_id: int) -> dict[str, str]:
    tip = _tip(request, tip_id)
    try:
        return domain.reporter_identity(request.user, tip, purpose="api")
    except domain.TipError as e:
        raise _problem(e) from None


class DuplicateOut(Schema):
    id: int
    tracking_code: str
    category: str
    received_at: str
    status: str
    score: float
    reasons: list[str]


@router.get("/{tip_id}/duplicates", response=list[DuplicateOut], auth=STAFF_AUTH, summary="Gợi ý tin trùng")
def tip_duplicates(request: HttpRequest, tip_id: int) -> list[dict[str, Any]]:
    tip = _tip(request, tip_id)
    return [
        {
            "id": s.tip.pk,
            "tracking_code": s.tip.tracking_code,
            "category": s.tip.category.code,
            "received_at": _iso(s.tip.received_at),
            "status": s.tip.status,
            "score": s.score,
            "reasons": s.reasons,
        }
        for s in domain.suggest_duplicates(tip)
    ]


# --- inbound webhook ----------------------------------------------------------------------------------


class InboundMessage(Schema):
    message_id: str = Field(
        ..., min_length=1, max_length=120, description="mã tin nhắn của cổng (chống trùng)"
    )
    sender: str = Field("", alias="from", description="số điện thoại / tài khoản người gửi")
    text: str
    media_urls: list[str] = Field(default_factory=list)


class InboundReply(Schema):
    tracking_code: str
    reply: str


SIGNATURE_MAX_AGE = 300
ANONYMOUS_PREFIXES = ("an danh", "andanh", "#an danh", "#andanh")


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """HMAC-SHA256 over "<timestamp>.<raw body>", hex, sent as "sha256=<hex>"; at most 5 minutes old."""
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    if age > SIGNATURE_MAX_AGE:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", signature.strip())


def _guess_category(text: str, default: Category) -> Category:
    """The category whose keyword phrases the message mentions most (whole words, folded)."""
    folded = f" {' '.join(re.findall(r'[a-z0-9]+', fold(text)))} "
    best, best_hits = default, 0
    for category in domain.active_categories():
        phrases = {fold(p) for p in category.keywords.split(",") if p.strip()}
        hits = sum(1 for p in phrases if f" {p} " in folded)
        if hits > best_hits:
            best, best_hits = category, hits
    return best


@webhook_router.post(
    "/{slug}",
    response={201: InboundReply, 200: InboundReply},
    summary="Tin nhắn từ cổng SMS / ứng dụng chat (ký HMAC) → tin báo",
)
def inbound_tip_message(request: HttpRequest, slug: str) -> Status[dict[str, Any]]:
    channel = (
        InboundChannel.objects.select_related("commune", "category").filter(slug=slug, active=True).first()
    )
    if channel is None:
        raise ApiProblem(404, "Không có kênh nhận tin này.")
    body = request.body
    if not verify_signature(
        channel.secret,
        request.headers.get("X-Binhyen-Timestamp", ""),
        body,
        request.headers.get("X-Binhyen-Signature", ""),
    ):
        raise ApiProblem(
            401, "Chữ ký không hợp lệ hoặc đã quá hạn (X-Binhyen-Signature, X-Binhyen-Timestamp)."
        )
    try:
        message = InboundMessage.model_validate(json.loads(body or b"{}"))
    except (ValueError, TypeError) as e:
        raise ApiProblem(422, f"Nội dung tin nhắn không hợp lệ: {str(e)[:200]}") from None
    text = message.text.strip()
    anonymous = fold(text).startswith(ANONYMOUS_PREFIXES)
    existing = Tip.objects.filter(channel=channel.kind, external_id=message.message_id).first()
    try:
        tip = domain.submit(
            domain.NewTip(
                category=_guess_category(text, channel.category).code,
                description=text,
                commune=channel.commune.code,
                channel=channel.kind,
                anonymous=anonymous,
                reporter_phone="" if anonymous or channel.kind != Channel.SMS else message.sender,
                external_id=message.message_id,
                media_urls=message.media_urls[: settings.TIP_MAX_FILES],
            )
        )
    except domain.TipError as e:
        raise _problem(e) from None
    reply = f"Công an {channel.commune.name} đã nhận tin báo. Mã theo dõi: {tip.tracking_code}"
    return Status(200 if existing else 201, {"tracking_code": tip.tracking_code, "reply": reply})
