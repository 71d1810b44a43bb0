"""Demo tips: two years of tips for the demo communes, received through every channel, most decided,
some forwarded with an outcome, about half marked valuable (seed 002: "705 tips, 403 valuable"), and a
few still open, some due soon and some overdue, so the queue looks like a real commune's.

Tips go through `tips.domain` like real ones; only their dates are moved back afterwards, since the
domain stamps "now". Deterministic (fixed random seed) and skipped when demo tips already exist.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from binhyen.accounts.models import User
from binhyen.areas.models import Area
from binhyen.tips import domain
from binhyen.tips.models import Channel, Status, Tip, TipEvent

COMMUNES = ["24958", "24967", "24976", "24985", "24823", "24820", "24829"]
# Tips per commune per month, roughly: Bảo Lộc's three wards had ~705 tips in a year (seed 002).
MONTHLY = {"24958": 9, "24967": 4, "24976": 3, "24985": 3, "24823": 14, "24820": 12, "24829": 10}

STORIES: dict[str, list[str]] = {
    "trom-cap": [
        "Nhà tôi bị mất trộm xe máy Wave màu đỏ đậu trước sân lúc rạng sáng.",
        "Có người lạ cạy cửa kho chứa phân bón của gia đình ở cuối thôn.",
        "Mất trộm hai con bò đang thả ở rẫy cà phê gần suối.",
        "Kẻ gian bẻ khoá lấy trộm điện thoại và ví tiền trong quán tạp hoá.",
        "Trộm cắp máy bơm nước tưới cà phê ở khu vực đồi phía sau trường học.",
    ],
    "cuop-giat": [
        "Hai thanh niên đi xe máy không biển số giật dây chuyền của một phụ nữ đi chợ sớm.",
        "Đối tượng giật điện thoại của học sinh trước cổng trường rồi chạy về hướng quốc lộ.",
    ],
    "lua-dao-mang": [
        "Có người gọi điện giả danh công an yêu cầu chuyển tiền để «xác minh tài khoản».",
        "Mẹ tôi bị lừa chuyển tiền qua tin nhắn giả danh ngân hàng báo trúng thưởng.",
        "Nhóm trên mạng xã hội tuyển cộng tác viên làm nhiệm vụ, đã lừa nhiều người trong tổ.",
    ],
    "tin-dung-den": [
        "Có nhóm người lạ dán quảng cáo cho vay tiền nhanh, lãi rất cao ở cột điện đầu hẻm.",
        "Một gia đình bị nhóm đòi nợ tạt sơn vào nhà vì vay nặng lãi.",
    ],
    "danh-nhau": [
        "Nhóm thanh niên tụ tập uống rượu rồi đánh nhau gây mất trật tự ở quán nhậu đầu thôn.",
        "Hai gia đình xô xát vì tranh chấp ranh giới đất, có người bị thương nhẹ.",
    ],
    "ma-tuy": [
        "Nghi có người sử dụng ma tuý ở căn nhà bỏ hoang cuối hẻm, thường tụ tập ban đêm.",
        "Thấy kim tiêm và gói nhỏ vứt ở bãi đất trống gần sân bóng.",
    ],
    "co-bac": [
        "Có tụ điểm đánh bạc (xóc đĩa) trong vườn cà phê vào tối thứ Bảy hằng tuần.",
        "Quán nước trên đường liên thôn tổ chức cá độ bóng đá.",
    ],
    "xam-hai-tre-em": ["Nghi một cháu bé hàng xóm thường xuyên bị người lớn trong nhà đánh đập."],
    "bao-luc-gia-dinh": ["Người chồng say rượu thường đánh vợ, hàng xóm nghe tiếng kêu cứu nhiều đêm."],
    "bao-luc-hoc-duong": ["Nhóm học sinh chặn đường đánh một bạn sau giờ tan học, có quay video."],
    "vu-khi": [
        "Một người trong thôn cất giữ súng tự chế dùng để săn bắn.",
        "Phát hiện vật nghi là bom mìn còn sót lại khi cày đất rẫy.",
    ],
    "chay-no": [
        "Kho gỗ sát khu dân cư chứa xăng dầu, nguy cơ cháy nổ cao.",
        "Có khói và mùi khét bốc ra từ xưởng sấy cà phê lúc nửa đêm.",
    ],
    "giao-thong": ["Nhóm thanh niên tụ tập đua xe, lạng lách trên đường tránh vào tối cuối tuần."],
    "xuat-nhap-canh": ["Có người nước ngoài lưu trú tại nhà nghỉ nhưng không thấy khai báo tạm trú."],
    "khac": ["Đèn đường ở đoạn dốc tối om, nhiều người đi đêm lo ngại mất an toàn."],
}
WEIGHTS = {
    "trom-cap": 30, "cuop-giat": 5, "lua-dao-mang": 12, "tin-dung-den": 5, "danh-nhau": 10, "ma-tuy": 8,
    "co-bac": 7, "xam-hai-tre-em": 1, "bao-luc-gia-dinh": 2, "bao-luc-hoc-duong": 2, "vu-khi": 2,
    "chay-no": 3, "giao-thong": 6, "xuat-nhap-canh": 1, "khac": 6,
}  # fmt: skip
CHANNELS = [(Channel.WEB, 40), (Channel.PHONE, 25), (Channel.IN_PERSON, 15), (Channel.SMS, 8),
            (Channel.API, 4), (Channel.OPEN311, 3), (Channel.CHAT, 5)]  # fmt: skip
DECISIONS = [(Status.FORWARDED, 30), (Status.ADMINISTRATIVE, 35), (Status.NOT_VIOLATION, 15),
             (Status.UNFOUNDED, 12), (Status.DUPLICATE, 8)]  # fmt: skip
REASONS = {
    Status.FORWARDED: "Có dấu hiệu tội phạm; chuyển Cơ quan CSĐT Công an tỉnh thụ lý.",
    Status.ADMINISTRATIVE: "Vi phạm hành chính; đã lập biên bản và xử phạt theo thẩm quyền.",
    Status.NOT_VIOLATION: "Xác minh không có vi phạm pháp luật; đã giải thích cho người báo tin.",
    Status.UNFOUNDED: "Kiểm tra thực tế không có sự việc như tin báo.",
    Status.DUPLICATE: "Trùng với tin báo đã tiếp nhận trước.",
}
NAMES = ["Nguyễn Văn Hải", "Trần Thị Mai", "Lê Minh Tuấn", "K'Brêu", "Ka Sim", "Phạm Thị Thu", "Võ Văn Lộc"]


def _pick(rng: random.Random, pairs: Iterable[tuple[Any, int]]) -> Any:
    items = list(pairs)
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def seed(
    officers: dict[str, User],
    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
    months: int = 24,
) -> int:
    """Create the demo tips for the last `months`; `officers` maps commune code → its officer."""
    if Tip.objects.filter(external_id__startswith="demo-").exists():
        return 0
    rng = random.Random(705)
    now = timezone.now()
    start = now - datetime.timedelta(days=months * 30.4)
    plan: list[tuple[str, datetime.datetime]] = []
    for code in COMMUNES:
        for m in range(months):
            for _ in range(max(0, int(rng.gauss(MONTHLY[code], MONTHLY[code] / 3)))):
                day = start + datetime.timedelta(days=m * 30.4 + rng.uniform(0, 30.4))
                day = day.replace(hour=rng.randrange(6, 23), minute=rng.randrange(60))
                if day < now - datetime.timedelta(hours=2):
                    plan.append((code, day))
    plan.sort(key=lambda p: p[1])
    villages = {code: list(Area.objects.filter(parent__code=code)) for code in COMMUNES}
    communes = {a.code: a for a in Area.objects.filter(code__in=COMMUNES)}
    steps: Iterable[Any] = progress(plan) if progress else plan
    created = 0
    for n, (code, received) in enumerate(steps):
        with transaction.atomic(), domain.quietly():
            _one(rng, n, code, received, now, villages[code], communes[code], officers.get(code))
        created += 1
    return created


def _one(
    rng: random.Random,
    n: int,
    code: str,
    received: datetime.datetime,
    now: datetime.datetime,
    villages: list[Area],
    commune: Area,
    officer: User | None,
) -> None:
    category = _pick(rng, WEIGHTS.items())
    village = rng.choice(villages) if villages and rng.random() < 0.8 else None
    anonymous = rng.random() < 0.45
    channel = _pick(rng, CHANNELS)
    lat = lon = None
    if rng.random() < 0.5:
        # Around Liên Nghĩa (Đức Trọng) or Bảo Lộc, a few km across.
        base = (11.735, 108.373) if code.startswith("249") else (11.548, 107.807)
        lat, lon = base[0] + rng.uniform(-0.03, 0.03), base[1] + rng.uniform(-0.03, 0.03)
    tip = domain.submit(
        domain.NewTip(
            category=category,
            description=rng.choice(STORIES[category]),
            commune=code,
            village=village.code if village else "",
            occurred_at=received - datetime.timedelta(hours=rng.randrange(1, 48)),
            occurred_approx=rng.random() < 0.4,
            address=f"{village.name}, {commune.name}" if village else "",
            latitude=lat,
            longitude=lon,
            channel=channel,
            anonymous=anonymous,
            reporter_name="" if anonymous else rng.choice(NAMES),
            reporter_phone="" if anonymous else f"09{rng.randrange(10_000_000, 99_999_999)}",
            external_id=f"demo-{n}",
        )
    )
    age = now - received
    user = officer
    if user is None:
        return
    # Older tips are decided; the last weeks' stay in the queue at various stages.
    if age > datetime.timedelta(days=25) or (age > datetime.timedelta(days=4) and rng.random() < 0.6):
        domain.claim(user, tip)
        domain.start_check(user, tip)
        decision = _pick(rng, DECISIONS)
        original = None
        if decision == Status.DUPLICATE:
            original = (
                Tip.objects.filter(commune=commune, received_at__lt=tip.received_at)
                .exclude(pk=tip.pk)
                .order_by("-received_at")
                .first()
            )
            if original is None:
                decision = Status.UNFOUNDED
        tip = domain.decide(user, tip, decision, REASONS[decision], original.pk if original else None)
        if decision == Status.FORWARDED and rng.random() < 0.8:
            domain.record_outcome(
                user, tip, _pick(rng, [("prosecuted", 6), ("not_prosecuted", 3), ("suspended", 1)])
            )
        if decision in (Status.FORWARDED, Status.ADMINISTRATIVE) and rng.random() < 0.85:
            domain.set_valuable(user, tip, True, "Giúp phát hiện, xử lý vi phạm")
        decided = received + datetime.timedelta(days=rng.uniform(1, 18), hours=rng.uniform(0, 8))
    else:
        decided = None
        if rng.random() < 0.5:
            domain.claim(user, tip)
            if rng.random() < 0.6:
                domain.start_check(user, tip)
    _backdate(tip, received, decided)


def _backdate(tip: Tip, received: datetime.datetime, decided: datetime.datetime | None) -> None:
    """Put the tip and its timeline at the demo dates (the domain stamped them "now")."""
    shift = received - Tip.objects.values_list("received_at", flat=True).get(pk=tip.pk)
    fields: dict[str, Any] = {
        "received_at": received,
        "deadline": received + datetime.timedelta(days=domain.FIRST_DEADLINE_DAYS),
        "updated_at": decided or received,
    }
    current = Tip.objects.get(pk=tip.pk)
    if current.decided_at and decided:
        fields["decided_at"] = decided
    if current.claimed_at:
        fields["claimed_at"] = received + datetime.timedelta(hours=2)
    if current.outcome_at and decided:
        fields["outcome_at"] = decided + datetime.timedelta(days=20)
    if current.valuable_at and decided:
        fields["valuable_at"] = decided
    Tip.objects.filter(pk=tip.pk).update(**fields)
    for event in TipEvent.objects.filter(tip=tip):
        if event.kind == "received":
            at = received
        elif (
            decided is not None
            and event.kind in ("status", "outcome", "valuable")
            and event.data.get("status", "") not in ("checking",)
        ):
            at = decided
        else:
            at = event.at + shift
        TipEvent.objects.filter(pk=event.pk).update(at=min(at, timezone.now()))
