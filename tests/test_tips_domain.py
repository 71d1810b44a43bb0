"""Tips domain: intake, triage, deadlines, protection of reporters."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.utils import timezone

from binhyen.tips import domain
from binhyen.tips.models import Reporter, Status, Tip
from tests.conftest import DUC_TRONG, HIEP_THANH

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


def new(**kw: Any) -> domain.NewTip:
    base: dict[str, Any] = {
        "category": "trom-cap",
        "description": "Có người lạ cạy khoá xe máy trước nhà văn hoá thôn lúc 22 giờ.",
        "commune": DUC_TRONG,
    }
    base.update(kw)
    return domain.NewTip(**base)


def test_anonymous_tip_gets_tracking_code_and_deadline() -> None:
    tip = domain.submit(new())
    assert domain.normalise_tracking_code(tip.tracking_code.lower().replace("-", " ")) == tip.tracking_code
    assert tip.status == Status.RECEIVED
    assert tip.deadline - tip.received_at == datetime.timedelta(days=20)
    assert not Reporter.objects.filter(tip=tip).exists()
    view = domain.public_view(tip.tracking_code)
    assert view is not None and view["status"] == "received"
    assert "description" not in view


def test_contact_is_encrypted_and_read_is_audited(make_user: Any) -> None:
    from binhyen.audit.models import AuditEvent

    tip = domain.submit(new(anonymous=False, reporter_name="Trần Thị Bình", reporter_phone="0912 345 678"))
    row = Reporter.objects.get(tip=tip)
    assert "0912345678" not in row.phone_enc and "Bình" not in row.name_enc
    officer = make_user("commune_officer", DUC_TRONG)
    other = make_user("commune_officer", DUC_TRONG)
    leader = make_user("commune_leader", DUC_TRONG)
    with pytest.raises(domain.TipForbidden):
        domain.reporter_identity(officer, tip)
    domain.claim(officer, tip)
    tip.refresh_from_db()
    assert domain.reporter_identity(officer, tip)["phone"] == "0912345678"
    with pytest.raises(domain.TipForbidden):
        domain.reporter_identity(other, tip)
    assert domain.reporter_identity(leader, tip)["name"] == "Trần Thị Bình"
    assert AuditEvent.objects.filter(action="read", object_type="tips.reporter").count() == 2


def test_bad_input_is_named() -> None:
    with pytest.raises(domain.TipError) as e:
        domain.submit(new(category="khong-co"))
    assert e.value.field == "category"
    with pytest.raises(domain.TipError) as e:
        domain.submit(new(commune=""))
    assert e.value.field == "commune"
    with pytest.raises(domain.TipError) as e:
        domain.submit(new(anonymous=True, reporter_phone="0912345678"))
    assert e.value.code == "anonymous_with_contact"
    with pytest.raises(domain.TipError) as e:
        domain.submit(new(), files=[domain.Upload("a.jpg", io.BytesIO(b"MZ\x90\x00 not a photo"), 20)])
    assert e.value.field == "files"
    assert Tip.objects.count() == 0


def test_photo_is_stored(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    tip = domain.submit(new(), files=[domain.Upload("IMG_1.jpg", io.BytesIO(JPEG), len(JPEG))])
    attachment = tip.attachments.get()
    assert attachment.content_type == "image/jpeg" and attachment.kind == "photo"
    assert "IMG_1" not in attachment.file.name


def test_claim_decide_outcome_and_timeline(make_user: Any) -> None:
    a = make_user("commune_officer", DUC_TRONG)
    b = make_user("commune_officer", DUC_TRONG)
    outsider = make_user("commune_officer", HIEP_THANH)
    tip = domain.submit(new())
    with pytest.raises(domain.TipForbidden):
        domain.claim(outsider, tip)
    domain.claim(a, tip)
    with pytest.raises(domain.TipError) as e:
        domain.claim(b, tip)
    assert e.value.status == 409
    domain.start_check(a, tip)
    with pytest.raises(domain.TipError):
        domain.decide(b, tip, Status.FORWARDED, "Có dấu hiệu tội phạm trộm cắp")
    tip = domain.decide(a, tip, Status.FORWARDED, "Có dấu hiệu tội phạm trộm cắp")
    assert tip.decided_by == a and tip.decided_at is not None
    tip = domain.record_outcome(a, tip, "prosecuted", "Khởi tố vụ án")
    view = domain.public_view(tip.tracking_code)
    assert view and view["outcome"] == "prosecuted"
    kinds = list(tip.events.values_list("kind", flat=True))
    assert kinds[:4] == ["received", "claimed", "status", "status"]


def test_deadlines_extend_twice(make_user: Any) -> None:
    a = make_user("commune_officer", DUC_TRONG)
    tip = domain.submit(new())
    tip = domain.extend(a, tip, "Vụ việc phức tạp")
    assert tip.deadline == domain.add_months(tip.received_at, 2)
    first = tip.deadline
    tip = domain.extend(a, tip, "Cần giám định")
    assert tip.deadline == domain.add_months(first, 2)
    with pytest.raises(domain.TipError):
        domain.extend(a, tip, "Lần ba")
    Tip.objects.filter(pk=tip.pk).update(deadline=timezone.now() + datetime.timedelta(days=3))
    assert domain.warn_deadlines() == 1
    assert domain.warn_deadlines() == 0
    Tip.objects.filter(pk=tip.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    assert domain.overdue(Tip.objects.all()).count() == 1


def test_duplicate_suggestions_and_decision(make_user: Any) -> None:
    a = make_user("commune_officer", DUC_TRONG)
    first = domain.submit(new(latitude=11.735, longitude=108.373))
    second = domain.submit(
        new(
            description="Thấy người lạ cạy khoá xe máy ở nhà văn hoá thôn khoảng 22 giờ đêm qua.",
            latitude=11.7352,
            longitude=108.3731,
        )
    )
    domain.submit(new(category="chay-no", description="Khói bốc lên từ kho gỗ gần chợ, có mùi xăng."))
    suggestions = domain.suggest_duplicates(second)
    assert [s.tip.pk for s in suggestions] == [first.pk]
    domain.decide(a, second, Status.DUPLICATE, "Trùng tin đã nhận", duplicate_of=first.tracking_code)
    second.refresh_from_db()
    assert second.duplicate_of == first


def test_search_is_diacritic_insensitive() -> None:
    from binhyen.tips.search import search

    tip = domain.submit(new(description="Đối tượng trộm chó ở thôn Đa Thọ, Đức Trọng"))
    domain.submit(new(category="chay-no", description="Cháy rẫy cà phê gần suối"))
    for q in ["trom cho", "TRỘM CHÓ", "da tho", "duc trong", "đức"]:
        assert list(search(Tip.objects.all(), q)) == [tip], q
    tip.description = "Đã sửa nội dung: đánh bạc"
    tip.search_text = "da sua noi dung danh bac"
    tip.save()
    assert list(search(Tip.objects.all(), "danh bac")) == [tip]
    assert list(search(Tip.objects.all(), "trom cho")) == []
