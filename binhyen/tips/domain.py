"""Domain rules for tips: intake, triage, deadlines, decisions, the reporter's identity and the public view.

Views, the REST API, Open311, the webhook, commands and tasks call these functions and nothing else
writes tips. Every change leaves a `TipEvent`; events marked public are what the reporter sees.
"""

from __future__ import annotations

import contextvars
import datetime
import hashlib
import math
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from binhyen.accounts.permissions import Perm, has_perm, scope
from binhyen.areas.models import Area, Level
from binhyen.audit import domain as audit
from binhyen.core import crypto
from binhyen.core.text import fold, nfc
from binhyen.tips import media
from binhyen.tips.models import (
    DECISIONS,
    OPEN_STATUSES,
    Attachment,
    AttachmentKind,
    Category,
    Channel,
    EventKind,
    Note,
    Outcome,
    Reporter,
    Status,
    Tip,
    TipEvent,
)

FIRST_DEADLINE_DAYS = 20  # BLTTHS 2015, Điều 147(1)
EXTENSION_MONTHS = 2  # first extension: up to 2 months from receipt; second: up to 2 more months
MAX_EXTENSIONS = 2
WARNING_DAYS = 5
MAX_DESCRIPTION = 5000
MIN_DESCRIPTION = 10

# Tracking codes: Crockford-style alphabet without 0/O, 1/I/L, U: easy to read out over the phone.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_RE = re.compile(r"^[2-9A-HJ-NP-TV-Z]{4}-[2-9A-HJ-NP-TV-Z]{4}-[2-9A-HJ-NP-TV-Z]{4}$")
_PHONE_RE = re.compile(r"^\+?[0-9]{9,12}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class TipError(ValueError):
    """A rule was broken. `message` is Vietnamese; `field` names the input; `code` is a stable key
    (Open311 error codes and API clients use it)."""

    def __init__(self, message: str, field: str = "", code: str = "invalid", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.status = status


class TipForbidden(TipError):
    def __init__(self, message: str = "Bạn không có quyền với tin báo này.") -> None:
        super().__init__(message, code="forbidden", status=403)


# --- intake -----------------------------------------------------------------------------------------


@dataclass
class Upload:
    name: str
    stream: IO[bytes]
    size: int


@dataclass
class NewTip:
    category: str
    description: str
    commune: str = ""
    village: str = ""
    occurred_at: datetime.datetime | None = None
    occurred_approx: bool = False
    occurred_text: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_unknown: bool = False
    channel: str = Channel.WEB
    anonymous: bool = True
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    external_id: str = ""
    media_urls: list[str] = field(default_factory=list)


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_tracking_code(value: str) -> str:
    """Accept what people type: lower case, spaces, no dashes, O for 0 and I/L for 1 are not used."""
    raw = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    if len(raw) != 12:
        return ""
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    return code if _CODE_RE.match(code) else ""


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True)


def get_category(code: str) -> Category:
    category = Category.objects.filter(code=(code or "").strip(), active=True).first()
    if category is None:
        raise TipError(f"Loại tin báo «{code}» không có.", "category", code="unknown_category")
    return category


def _commune(code: str) -> Area:
    area = Area.objects.filter(code=(code or "").strip()).select_related("parent").first()
    if area is None or area.level != Level.COMMUNE:
        raise TipError(f"Không có xã/phường mã «{code}».", "commune", code="unknown_commune")
    return area


def _village(commune: Area, code: str) -> Area | None:
    if not code:
        return None
    village = Area.objects.filter(code=code.strip(), parent=commune).first()
    if village is None:
        raise TipError(
            f"Thôn/tổ dân phố «{code}» không thuộc {commune.name}.", "village", code="unknown_village"
        )
    return village


def _coordinates(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise TipError("Cần cả vĩ độ và kinh độ của vị trí.", "lat" if lat is None else "long", "location")
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        raise TipError("Toạ độ không hợp lệ.", "lat", code="location")
    return round(lat, 6), round(lon, 6)


def _search_text(tip: Tip, category: Category) -> str:
    parts = [tip.tracking_code, category.name, tip.description, tip.address, tip.occurred_text]
    if tip.village_id and tip.village:
        parts.append(tip.village.name)
    return fold(" ".join(p for p in parts if p))


def _clean(data: NewTip, files: list[Upload]) -> dict[str, Any]:
    category = get_category(data.category)
    description = nfc(data.description or "")
    if len(description) < MIN_DESCRIPTION:
        raise TipError(
            f"Hãy kể lại sự việc (ít nhất {MIN_DESCRIPTION} ký tự).", "description", code="description"
        )
    if len(description) > MAX_DESCRIPTION:
        raise TipError(f"Nội dung quá dài (tối đa {MAX_DESCRIPTION} ký tự).", "description", "description")
    if not data.commune:
        raise TipError("Hãy chọn xã/phường nơi xảy ra sự việc.", "commune", code="commune_required")
    commune = _commune(data.commune)
    village = _village(commune, data.village)
    lat, lon = _coordinates(data.latitude, data.longitude)
    now = timezone.now()
    occurred = data.occurred_at
    if occurred is not None:
        if timezone.is_naive(occurred):
            occurred = timezone.make_aware(occurred)
        if occurred > now + datetime.timedelta(minutes=10):
            raise TipError("Thời gian xảy ra không thể ở tương lai.", "occurred_at", code="occurred_at")
        if occurred < now - datetime.timedelta(days=365 * 20):
            raise TipError("Thời gian xảy ra không hợp lệ.", "occurred_at", code="occurred_at")
    name = nfc(data.reporter_name or "")[:150]
    phone = re.sub(r"[\s.\-()]", "", data.reporter_phone or "")
    email = nfc(data.reporter_email or "").lower()
    if data.anonymous and (name or phone or email):
        raise TipError(
            "Tin báo ẩn danh không kèm họ tên hay liên hệ; bỏ chọn «ẩn danh» để để lại liên hệ.",
            "anonymous",
            code="anonymous_with_contact",
        )
    if phone and not _PHONE_RE.match(phone):
        raise TipError("Số điện thoại không hợp lệ.", "reporter_phone", code="phone")
    if email and not _EMAIL_RE.match(email):
        raise TipError("Địa chỉ email không hợp lệ.", "reporter_email", code="email")
    if len(files) + len(data.media_urls) > settings.TIP_MAX_FILES:
        raise TipError(f"Gửi tối đa {settings.TIP_MAX_FILES} ảnh hoặc video.", "files", code="too_many_files")
    checked = []
    for upload in files:
        try:
            kind, digest = media.check(upload.name, upload.stream, upload.size)
        except media.MediaError as e:
            raise TipError(e.message, "files", code="file") from None
        checked.append((upload, kind, digest))
    for url in data.media_urls:
        if not re.match(r"^https?://[^\s]{4,490}$", url or ""):
            raise TipError("Đường dẫn ảnh (media_url) không hợp lệ.", "media_url", code="media_url")
    return {
        "category": category,
        "description": description,
        "commune": commune,
        "village": village,
        "latitude": lat,
        "longitude": lon,
        "occurred_at": occurred,
        "name": name,
        "phone": phone,
        "email": email,
        "files": checked,
    }


def submit(data: NewTip, files: Iterable[Upload] = (), entered_by: Any = None) -> Tip:
    """Record a tip (biên bản tiếp nhận). Validates everything before writing anything."""
    uploads = list(files)
    c = _clean(data, uploads)
    if data.channel not in Channel.values:
        raise TipError("Kênh tiếp nhận không hợp lệ.", "channel", code="channel")
    if data.external_id:
        existing = Tip.objects.filter(channel=data.channel, external_id=data.external_id).first()
        if existing is not None:
            return existing  # a gateway retrying the same message
    now = timezone.now()
    commune: Area = c["commune"]
    village: Area | None = c["village"]
    tip = Tip(
        category=c["category"],
        description=c["description"],
        channel=data.channel,
        anonymous=data.anonymous,
        occurred_at=c["occurred_at"],
        occurred_approx=bool(data.occurred_approx and c["occurred_at"]),
        occurred_text=nfc(data.occurred_text or "")[:200],
        commune=commune,
        village=village,
        area_path=(village or commune).path,
        address=nfc(data.address or "")[:300],
        latitude=c["latitude"],
        longitude=c["longitude"],
        location_unknown=bool(data.location_unknown),
        attributes={str(k)[:40]: str(v)[:300] for k, v in (data.attributes or {}).items()},
        external_id=(data.external_id or "")[:120],
        received_at=now,
        deadline=now + datetime.timedelta(days=FIRST_DEADLINE_DAYS),
        entered_by=entered_by if getattr(entered_by, "pk", None) else None,
    )
    tip.search_text = _search_text(tip, c["category"])
    for _attempt in range(5):
        tip.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                tip.save()
                if c["name"] or c["phone"] or c["email"]:
                    Reporter.objects.create(
                        tip=tip,
                        name_enc=crypto.encrypt(c["name"]),
                        phone_enc=crypto.encrypt(c["phone"]),
                        email_enc=crypto.encrypt(c["email"]),
                    )
                for upload, kind, digest in c["files"]:
                    attachment = Attachment(
                        tip=tip,
                        kind=kind.kind,
                        content_type=kind.content_type,
                        size=upload.size,
                        sha256=digest,
                        from_reporter=entered_by is None,
                        uploaded_by=entered_by if getattr(entered_by, "pk", None) else None,
                    )
                    # The stored name says nothing about the reporter: tip code, digest, real type.
                    attachment.file.save(
                        f"{tip.tracking_code}-{digest[:12]}.{kind.extension}", File(upload.stream), save=False
                    )
                    attachment.save()
                for url in data.media_urls:
                    Attachment.objects.create(tip=tip, kind=AttachmentKind.LINK, url=url)
                _event(tip, entered_by, EventKind.RECEIVED, public=True, data={"channel": data.channel})
            break
        except IntegrityError:
            if data.external_id and Tip.objects.filter(channel=data.channel, external_id=data.external_id):
                return Tip.objects.get(channel=data.channel, external_id=data.external_id)
            continue  # tracking code collision: try another
    else:  # pragma: no cover - 60 random bits colliding five times
        raise TipError("Không tạo được mã theo dõi; vui lòng gửi lại.", code="tracking_code", status=503)
    return tip


def _event(
    tip: Tip,
    actor: Any,
    kind: str,
    *,
    public: bool = False,
    text: str = "",
    data: dict[str, Any] | None = None,
) -> TipEvent:
    user = actor if getattr(actor, "pk", None) else None
    return TipEvent.objects.create(
        tip=tip,
        actor=user,
        actor_label=str(user) if user else "",
        kind=kind,
        public=public,
        text=text,
        data=data or {},
    )


# --- reading ----------------------------------------------------------------------------------------


def visible_tips(user: Any) -> QuerySet[Tip]:
    """Tips in the user's areas (those where they may view tips)."""
    roots = scope(user, Perm.VIEW_TIPS)
    qs = Tip.objects.select_related("category", "commune", "village", "claimed_by")
    if roots is None:
        return qs
    if not roots:
        return qs.none()
    query = Q(pk__in=[])
    for root in roots:
        # A grant over a village sees tips placed in that village only.
        query |= Q(area_path__gte=root.path, area_path__lt=root.path + "z")
    return qs.filter(query)


def get_tip(user: Any, tip_id: int | str) -> Tip:
    """A tip the user may view; TipError 404 otherwise (no hint that it exists elsewhere)."""
    try:
        pk = int(tip_id)
    except (TypeError, ValueError):
        pk = 0
    tip = visible_tips(user).filter(pk=pk).first() if pk else None
    if tip is None:
        code = normalise_tracking_code(str(tip_id))
        tip = visible_tips(user).filter(tracking_code=code).first() if code else None
    if tip is None:
        raise TipError("Không tìm thấy tin báo.", code="not_found", status=404)
    return tip


def can_handle(user: Any, tip: Tip) -> bool:
    return has_perm(user, Perm.HANDLE_TIPS, tip.commune)


def can_read_reporter(user: Any, tip: Tip) -> bool:
    """Commune leaders over the tip's commune, and the officer handling it."""
    if has_perm(user, Perm.READ_REPORTERS, tip.commune):
        return True
    return bool(
        tip.claimed_by_id and tip.claimed_by_id == getattr(user, "pk", None) and can_handle(user, tip)
    )


def has_reporter(tip: Tip) -> bool:
    return Reporter.objects.filter(tip=tip).exists()


def reporter_identity(user: Any, tip: Tip, purpose: str = "") -> dict[str, str]:
    """Decrypt who sent the tip. Every call is audited, and only those handling it may make it."""
    if not can_read_reporter(user, tip):
        raise TipForbidden("Chỉ cán bộ đang xử lý tin và lãnh đạo xã được xem người báo tin.")
    reporter = Reporter.objects.filter(tip=tip).first()
    if reporter is None:
        return {"name": "", "phone": "", "email": ""}
    identity = {
        "name": crypto.decrypt(reporter.name_enc),
        "phone": crypto.decrypt(reporter.phone_enc),
        "email": crypto.decrypt(reporter.email_enc),
    }
    audit.record_read(
        reporter,
        [k for k, v in identity.items() if v],
        area_path=tip.area_path,
        purpose=purpose or f"tip {tip.tracking_code}",
    )
    return identity


def public_view(code: str) -> dict[str, Any] | None:
    """What the tracking page shows: status and public notes, nothing else."""
    normalised = normalise_tracking_code(code)
    if not normalised:
        return None
    tip = Tip.objects.select_related("category").filter(tracking_code=normalised).first()
    if tip is None:
        return None
    events = [
        {"at": e.at, "kind": e.kind, "text": e.text, "status": e.data.get("status", "")}
        for e in tip.events.filter(public=True)
    ]
    return {
        "tracking_code": tip.tracking_code,
        "category": tip.category.name,
        "category_code": tip.category.code,
        "status": tip.status,
        "status_label": str(Status(tip.status).label),
        "is_open": tip.is_open,
        "outcome": tip.outcome,
        "outcome_label": str(Outcome(tip.outcome).label) if tip.outcome else "",
        "received_at": tip.received_at,
        "updated_at": tip.updated_at,
        "commune": tip.commune.name,
        "events": events,
        "public_notes": [e for e in events if e["kind"] == EventKind.NOTE],
    }


# --- triage -----------------------------------------------------------------------------------------


def _require_handler(user: Any, tip: Tip) -> None:
    if not can_handle(user, tip):
        raise TipForbidden()


def _is_leader(user: Any, tip: Tip) -> bool:
    return has_perm(user, Perm.READ_REPORTERS, tip.commune) or has_perm(user, Perm.MANAGE_TIP_SETTINGS, None)


def _locked(tip: Tip) -> Tip:
    return (
        Tip.objects.select_for_update(of=("self",))
        .select_related("category", "commune", "claimed_by")
        .get(pk=tip.pk)
    )


def claim(user: Any, tip: Tip, *, take_over: bool = False) -> Tip:
    """ "Being handled by …": one officer at a time. A leader may take a tip over from someone else."""
    _require_handler(user, tip)
    with transaction.atomic():
        tip = _locked(tip)
        if tip.claimed_by_id == user.pk:
            return tip
        if tip.claimed_by_id and not (take_over and _is_leader(user, tip)):
            holder = str(tip.claimed_by) if tip.claimed_by else ""
            raise TipError(f"Tin đang do {holder} xử lý.", "claimed_by", code="claimed", status=409)
        previous = tip.claimed_by.username if tip.claimed_by else ""
        tip.claimed_by = user
        tip.claimed_at = timezone.now()
        tip.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
        _event(tip, user, EventKind.CLAIMED, data={"from": previous} if previous else {})
    return tip


def release(user: Any, tip: Tip) -> Tip:
    _require_handler(user, tip)
    with transaction.atomic():
        tip = _locked(tip)
        if tip.claimed_by_id is None:
            return tip
        if tip.claimed_by_id != user.pk and not _is_leader(user, tip):
            raise TipError("Chỉ người đang xử lý mới trả lại được tin này.", code="claimed", status=409)
        tip.claimed_by = None
        tip.claimed_at = None
        tip.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
        _event(tip, user, EventKind.RELEASED)
    return tip


def _claim_for_work(user: Any, tip: Tip) -> Tip:
    """Working on a tip claims it; working on someone else's claimed tip is refused (leaders excepted)."""
    if tip.claimed_by_id is None:
        tip.claimed_by = user
        tip.claimed_at = timezone.now()
        _event(tip, user, EventKind.CLAIMED)
    elif tip.claimed_by_id != user.pk and not _is_leader(user, tip):
        holder = str(tip.claimed_by) if tip.claimed_by else ""
        raise TipError(f"Tin đang do {holder} xử lý.", "claimed_by", code="claimed", status=409)
    return tip


def start_check(user: Any, tip: Tip) -> Tip:
    """Received → preliminary check (kiểm tra, xác minh sơ bộ)."""
    _require_handler(user, tip)
    with transaction.atomic():
        tip = _locked(tip)
        if tip.status != Status.RECEIVED:
            raise TipError(
                "Chỉ tin mới tiếp nhận mới chuyển sang kiểm tra.", "status", code="state", status=409
            )
        _claim_for_work(user, tip)
        tip.status = Status.CHECKING
        tip.save()
        _event(tip, user, EventKind.STATUS, public=True, data={"status": Status.CHECKING})
    return tip


def decide(user: Any, tip: Tip, status: str, reason: str, duplicate_of: str | int | None = None) -> Tip:
    """Close the check with one of the decisions, recording who, when and why."""
    _require_handler(user, tip)
    if status not in DECISIONS:
        raise TipError("Kết quả giải quyết không hợp lệ.", "status", code="status")
    reason = nfc(reason or "")
    if len(reason) < 5:
        raise TipError("Hãy ghi lý do của quyết định.", "reason", code="reason")
    original = None
    if status == Status.DUPLICATE:
        if not duplicate_of:
            raise TipError("Tin trùng phải chỉ ra tin gốc.", "duplicate_of", code="duplicate_of")
        try:
            original = get_tip(user, duplicate_of)
        except TipError:
            raise TipError("Không tìm thấy tin gốc.", "duplicate_of", code="duplicate_of") from None
        if original.pk == tip.pk:
            raise TipError("Tin không thể trùng với chính nó.", "duplicate_of", code="duplicate_of")
    with transaction.atomic():
        tip = _locked(tip)
        if tip.status not in OPEN_STATUSES:
            raise TipError("Tin này đã có quyết định.", "status", code="state", status=409)
        _claim_for_work(user, tip)
        tip.status = status
        tip.decided_by = user
        tip.decided_at = timezone.now()
        tip.decision_reason = reason
        tip.duplicate_of = original
        tip.save()
        data: dict[str, Any] = {"status": status}
        if original is not None:
            data["duplicate_of"] = original.tracking_code
        _event(tip, user, EventKind.STATUS, public=True, data=data)
    _notify(tip)
    return tip


def record_outcome(user: Any, tip: Tip, outcome: str, note: str = "") -> Tip:
    """For a forwarded tip: what the investigation agency decided."""
    _require_handler(user, tip)
    if outcome not in Outcome.values:
        raise TipError("Kết quả không hợp lệ.", "outcome", code="outcome")
    with transaction.atomic():
        tip = _locked(tip)
        if tip.status != Status.FORWARDED:
            raise TipError(
                "Chỉ tin đã chuyển cơ quan điều tra mới ghi kết quả.", "outcome", code="state", status=409
            )
        tip.outcome = outcome
        tip.outcome_at = timezone.now()
        tip.outcome_note = nfc(note or "")
        tip.save()
        _event(tip, user, EventKind.OUTCOME, public=True, data={"outcome": outcome})
    _notify(tip)
    return tip


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    month = moment.month - 1 + months
    year = moment.year + month // 12
    month = month % 12 + 1
    days_in_month = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return moment.replace(year=year, month=month, day=min(moment.day, days_in_month))


def extend(user: Any, tip: Tip, reason: str, days: int | None = None) -> Tip:
    """Extend the deadline: first to at most 2 months from receipt, then once more by at most 2 months."""
    _require_handler(user, tip)
    reason = nfc(reason or "")
    if len(reason) < 5:
        raise TipError("Hãy ghi lý do gia hạn.", "reason", code="reason")
    with transaction.atomic():
        tip = _locked(tip)
        if not tip.is_open:
            raise TipError("Tin đã có quyết định, không cần gia hạn.", code="state", status=409)
        if tip.extensions >= MAX_EXTENSIONS:
            raise TipError("Đã gia hạn tối đa hai lần.", code="extensions", status=409)
        base = tip.received_at if tip.extensions == 0 else tip.deadline
        limit = add_months(base, EXTENSION_MONTHS)
        new_deadline = limit if days is None else min(limit, base + datetime.timedelta(days=days))
        if new_deadline <= tip.deadline:
            raise TipError("Hạn mới phải sau hạn hiện tại.", "days", code="days")
        old = tip.deadline
        tip.deadline = new_deadline
        tip.extensions += 1
        tip.deadline_warned_at = None
        tip.save()
        _event(
            tip,
            user,
            EventKind.EXTENDED,
            text=reason,
            data={"from": old.isoformat(), "to": new_deadline.isoformat(), "extension": tip.extensions},
        )
    return tip


def set_valuable(user: Any, tip: Tip, valuable: bool, reason: str = "") -> Tip:
    """Tin có giá trị: counted by period in statistics; needs a reason."""
    _require_handler(user, tip)
    reason = nfc(reason or "")
    if valuable and len(reason) < 5:
        raise TipError("Hãy ghi vì sao tin có giá trị.", "valuable_reason", code="reason")
    with transaction.atomic():
        tip = _locked(tip)
        tip.valuable = valuable
        tip.valuable_reason = reason if valuable else ""
        tip.valuable_at = timezone.now() if valuable else None
        tip.save()
        _event(tip, user, EventKind.VALUABLE, text=reason, data={"valuable": valuable})
    return tip


def add_note(user: Any, tip: Tip, body: str, public: bool = False) -> Note:
    _require_handler(user, tip)
    body = nfc(body or "")
    if not body:
        raise TipError("Ghi chú trống.", "body", code="body")
    if len(body) > 4000:
        raise TipError("Ghi chú quá dài (tối đa 4000 ký tự).", "body", code="body")
    with transaction.atomic():
        note = Note.objects.create(tip=tip, author=user, body=body, public=public)
        _event(tip, user, EventKind.NOTE, public=public, text=body if public else "", data={"note": note.pk})
        Tip.objects.filter(pk=tip.pk).update(updated_at=timezone.now())
    if public:
        _notify(tip)
    return note


def add_attachment(user: Any, tip: Tip, upload: Upload) -> Attachment:
    """An officer's photo, video or document (PDF) for the file."""
    _require_handler(user, tip)
    upload.stream.seek(0)
    head = upload.stream.read(8)
    upload.stream.seek(0)
    if head.startswith(b"%PDF-"):
        if upload.size > settings.TIP_MAX_VIDEO_BYTES:
            raise TipError("Tệp quá lớn.", "file", code="file")
        content_type, kind, ext = "application/pdf", str(AttachmentKind.DOCUMENT), "pdf"
        digest = hashlib.sha256(upload.stream.read()).hexdigest()
        upload.stream.seek(0)
    else:
        try:
            mtype, digest = media.check(upload.name, upload.stream, upload.size)
        except media.MediaError as e:
            raise TipError(e.message, "file", code="file") from None
        content_type, kind, ext = mtype.content_type, mtype.kind, mtype.extension
    with transaction.atomic():
        attachment = Attachment(
            tip=tip,
            kind=kind,
            content_type=content_type,
            size=upload.size,
            sha256=digest,
            from_reporter=False,
            uploaded_by=user,
        )
        attachment.file.save(f"{tip.tracking_code}-{digest[:12]}.{ext}", File(upload.stream), save=False)
        attachment.save()
        _event(tip, user, EventKind.ATTACHMENT, data={"attachment": attachment.pk, "kind": kind})
    return attachment


def get_attachment(user: Any, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.select_related("tip", "tip__commune").filter(pk=attachment_id).first()
    if attachment is None or not visible_tips(user).filter(pk=attachment.tip_id).exists():
        raise TipError("Không tìm thấy tệp.", code="not_found", status=404)
    audit.record_read(attachment, ["file"], area_path=attachment.tip.area_path, purpose="attachment")
    return attachment


# --- lists, deadlines, duplicates ---------------------------------------------------------------------


def due_soon(qs: QuerySet[Tip], now: datetime.datetime | None = None) -> QuerySet[Tip]:
    now = now or timezone.now()
    return qs.filter(
        status__in=OPEN_STATUSES, deadline__gte=now, deadline__lt=now + datetime.timedelta(days=WARNING_DAYS)
    )


def overdue(qs: QuerySet[Tip], now: datetime.datetime | None = None) -> QuerySet[Tip]:
    return qs.filter(status__in=OPEN_STATUSES, deadline__lt=now or timezone.now())


def deadline_state(tip: Tip, now: datetime.datetime | None = None) -> str:
    """closed | overdue | due_soon | ok"""
    if not tip.is_open:
        return "closed"
    now = now or timezone.now()
    if tip.deadline < now:
        return "overdue"
    if tip.deadline < now + datetime.timedelta(days=WARNING_DAYS):
        return "due_soon"
    return "ok"


def warn_deadlines(now: datetime.datetime | None = None) -> int:
    """Mark tips entering the 5-day window once, so the queue and the officer's mail show it."""
    from django.core.mail import send_mail

    now = now or timezone.now()
    count = 0
    for tip in due_soon(Tip.objects.select_related("claimed_by"), now).filter(
        deadline_warned_at__isnull=True
    ):
        with transaction.atomic():
            updated = Tip.objects.filter(pk=tip.pk, deadline_warned_at__isnull=True).update(
                deadline_warned_at=now
            )
            if not updated:
                continue
            _event(tip, None, EventKind.DEADLINE_WARNING, data={"deadline": tip.deadline.isoformat()})
        count += 1
        officer = tip.claimed_by
        if officer is not None and officer.email:
            send_mail(
                f"[Bình Yên] Tin báo {tip.tracking_code} sắp hết hạn giải quyết",
                f"Tin báo {tip.tracking_code} hết hạn giải quyết lúc "
                f"{timezone.localtime(tip.deadline):%H:%M %d/%m/%Y}.\n{settings.SITE_URL}/tips/{tip.pk}/",
                None,
                [officer.email],
                fail_silently=True,
            )
    return count


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if len(w) > 1}


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


@dataclass
class DuplicateSuggestion:
    tip: Tip
    score: float
    reasons: list[str]


def suggest_duplicates(tip: Tip, limit: int = 5, window_days: int = 14) -> list[DuplicateSuggestion]:
    """Same commune, near in time and place, similar text. Scored, best first."""
    when = tip.occurred_at or tip.received_at
    span = datetime.timedelta(days=window_days)
    candidates = (
        Tip.objects.filter(
            commune_id=tip.commune_id, received_at__gte=when - span, received_at__lte=when + span
        )
        .exclude(pk=tip.pk)
        .exclude(status=Status.DUPLICATE)
        .select_related("category")[:300]
    )
    words = _words(tip.description)
    found: list[DuplicateSuggestion] = []
    for other in candidates:
        reasons: list[str] = []
        other_words = _words(other.description)
        union = words | other_words
        similarity = len(words & other_words) / len(union) if union else 0.0
        score = similarity * 2
        if similarity >= 0.2:
            reasons.append(f"nội dung giống {similarity:.0%}")
        if other.category_id == tip.category_id:
            score += 0.3
            reasons.append("cùng loại")
        if tip.village_id and other.village_id == tip.village_id:
            score += 0.3
            reasons.append("cùng thôn/tổ")
        if None not in (tip.latitude, tip.longitude, other.latitude, other.longitude):
            distance = _haversine_m(tip.latitude, tip.longitude, other.latitude, other.longitude)  # type: ignore[arg-type]
            if distance <= 500:
                score += 0.5 * (1 - distance / 500)
                reasons.append(f"cách {distance:.0f} m")
        other_when = other.occurred_at or other.received_at
        hours = abs((other_when - when).total_seconds()) / 3600
        if hours <= 48:
            score += 0.3 * (1 - hours / 48)
            reasons.append("gần thời điểm")
        if score >= 0.8 and similarity >= 0.1:
            found.append(DuplicateSuggestion(other, round(score, 2), reasons))
    found.sort(key=lambda s: -s.score)
    return found[:limit]


# --- reporter notification --------------------------------------------------------------------------


def notification_text(tip: Tip) -> str:
    status = Status(tip.status).label
    text = f"Tin báo {tip.tracking_code} của bạn: {status}."
    if tip.outcome:
        text += f" Kết quả: {Outcome(tip.outcome).label}."
    return text + f" Xem tại {settings.SITE_URL}/theo-doi/{tip.tracking_code}"


_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("tips_quiet", default=False)


@contextmanager
def quietly() -> Iterator[None]:
    """Record without messaging reporters: for entering past tips (paper records, demo data)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _notify(tip: Tip) -> None:
    """The tracking page always shows the news; if the reporter left a contact, a message goes too."""
    if _quiet.get():
        return
    if not Reporter.objects.filter(tip=tip).exclude(phone_enc="", email_enc="").exists():
        return
    from binhyen.tips.tasks import notify_reporter

    transaction.on_commit(lambda: notify_reporter.enqueue(tip.pk, notification_text(tip)))
