"""Web pages for tips: the public form and tracking page, the commune police's queue and a tip's file."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from binhyen.audit.models import AuditEvent
from binhyen.tips import domain
from binhyen.tips.models import Attachment, Status, Tip
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
HX = {"HTTP_HX_REQUEST": "true"}
BACKEND = "binhyen.accounts.backends.LockoutModelBackend"
DESCRIPTION = "Có người lạ cạy khoá xe máy trước nhà văn hoá thôn lúc 22 giờ."


def form(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": "trom-cap",
        "description": DESCRIPTION,
        "commune": DUC_TRONG,
        "commune_text": "Xã Đức Trọng",
        "occurred_at": "2025-06-01T21:30",
        "anonymous": "1",
        "website": "",
    }
    data.update(extra)
    return data


def photo(name: str = "IMG_0001.jpg", content: bytes = JPEG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def tip_in(code: str = DUC_TRONG, **extra: Any) -> Tip:
    base: dict[str, Any] = {"category": "trom-cap", "description": DESCRIPTION, "commune": code}
    base.update(extra)
    return domain.submit(domain.NewTip(**base))


def login(client: Any, user: Any) -> Any:
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def officer(client: Any, make_user: Any) -> Any:
    user = make_user("commune_officer", DUC_TRONG, full_name="Lê Văn Công")
    login(client, user)
    return user


def vi(label: Any) -> str:
    with translation.override("vi"):
        return str(label)


# --- public form -------------------------------------------------------------------------------------


def test_report_form_is_public_and_phone_ready(client: Any) -> None:
    r = client.get("/bao-tin/")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'name="viewport"' in html
    assert 'accept="image/*,video/*"' in html and "capture" in html and "multiple" in html
    assert 'name="website"' in html and 'class="hp"' in html  # the honeypot, hidden by CSS
    assert "/api/v1/areas" in html and "tips/tips.js" in html and "vendor/leaflet/leaflet.js" in html
    assert "Trộm cắp tài sản" in html  # categories
    assert "https://" not in html.replace("https://tile.openstreetmap.org", "")  # nothing else external


def test_send_anonymous_tip_with_photo(client: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    r = client.post("/bao-tin/", form(files=[photo()]))
    assert r.status_code == 303
    tip = Tip.objects.get()
    assert r["Location"] == f"/theo-doi/{tip.tracking_code}/"
    assert tip.commune.code == DUC_TRONG and tip.anonymous and tip.channel == "web"
    assert tip.occurred_at is not None and tip.entered_by is None
    attachment = Attachment.objects.get(tip=tip)
    assert attachment.kind == "photo" and attachment.content_type == "image/jpeg"
    r = client.get(r["Location"])
    html = r.content.decode()
    assert r.status_code == 200 and tip.tracking_code in html
    assert 'data-testid="just-sent"' in html and "data-copy" in html
    assert r["Cache-Control"] == "private, no-store"
    # The banner is shown once; the page itself stays.
    again = client.get(f"/theo-doi/{tip.tracking_code}/").content.decode()
    assert 'data-testid="just-sent"' not in again and tip.tracking_code in again


@pytest.mark.parametrize(
    "typed", ["Đức Trọng", "duc trong", "XÃ ĐỨC TRỌNG", "Xã Đức Trọng, Lâm Đồng", DUC_TRONG]
)
def test_commune_found_by_name_without_javascript(client: Any, typed: str) -> None:
    r = client.post("/bao-tin/", form(commune="", commune_text=typed))
    assert r.status_code == 303, r.content.decode()[:2000]
    assert Tip.objects.get().commune.code == DUC_TRONG


def test_commune_name_fitting_several_offers_a_choice(client: Any) -> None:
    from binhyen.areas.models import Area, Level

    # Some name shared by several communes in the country.
    names: dict[str, int] = {}
    for name in Area.objects.filter(level=Level.COMMUNE).values_list("name", flat=True):
        names[name] = names.get(name, 0) + 1
    shared = next(n for n, count in names.items() if count > 1)
    r = client.post("/bao-tin/", form(commune="", commune_text=shared))
    html = r.content.decode()
    assert r.status_code == 200 and "Có nhiều xã/phường" in html
    assert html.count('type="radio" name="commune"') >= 2
    assert not Tip.objects.exists()


def test_village_choice_and_map_pin(client: Any) -> None:
    from binhyen.areas import domain as areas

    village = areas.create_village(areas.get_area(DUC_TRONG), areas.VillageInput("Thôn Đa Thọ", "thôn"))
    r = client.post(
        "/bao-tin/",
        form(village=village.code, latitude="11.7301", longitude="108.3702", address="Cổng chợ"),
    )
    assert r.status_code == 303
    tip = Tip.objects.get()
    assert tip.village == village and tip.latitude == pytest.approx(11.7301)


def test_errors_are_vietnamese_at_the_field_and_values_kept(
    client: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    r = client.post("/bao-tin/", form(description="ngắn", address="Ngõ 5", files=[photo()]))
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="err-description"' in html and "Hãy kể lại sự việc" in html
    assert 'aria-invalid="true"' in html
    assert "Ngõ 5" in html and "Xã Đức Trọng" in html  # kept
    assert 'data-testid="files-again"' in html  # files must be chosen again, and the page says so
    assert not Tip.objects.exists()

    r = client.post("/bao-tin/", form(commune="", commune_text=""))
    assert "Hãy chọn xã/phường" in r.content.decode() and r.status_code == 200
    r = client.post("/bao-tin/", form(commune="", commune_text="zzz không có xã này"))
    assert "Không tìm thấy xã/phường" in r.content.decode()
    r = client.post("/bao-tin/", form(occurred_at="hôm qua"))
    assert "Thời gian xảy ra không đúng dạng" in r.content.decode()
    r = client.post("/bao-tin/", form(reporter_phone="0912345678"))  # anonymous, yet a contact
    assert "ẩn danh" in r.content.decode()
    r = client.post("/bao-tin/", form(anonymous="0", reporter_phone="12"))
    assert 'id="err-reporter_phone"' in r.content.decode()
    assert not Tip.objects.exists()


def test_contact_left_is_encrypted(client: Any) -> None:
    from binhyen.tips.models import Reporter

    r = client.post(
        "/bao-tin/", form(anonymous="0", reporter_name="Trần Thị Bình", reporter_phone="0912 345 678")
    )
    assert r.status_code == 303
    tip = Tip.objects.get()
    assert not tip.anonymous and Reporter.objects.filter(tip=tip).exists()


def test_disguised_file_is_refused(client: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    fake = photo("anh.jpg", b"MZ\x90\x00 this is a program, not a photo" + b"\x00" * 100)
    r = client.post("/bao-tin/", form(files=[fake]))
    html = r.content.decode()
    assert r.status_code == 200 and 'id="err-files"' in html and "không phải ảnh" in html
    assert not Tip.objects.exists() and not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.jpg"))


def test_too_many_files_refused(client: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    r = client.post("/bao-tin/", form(files=[photo(f"{i}.jpg") for i in range(6)]))
    assert r.status_code == 200 and "tối đa 5" in r.content.decode()
    assert not Tip.objects.exists()


def test_honeypot_refuses_neutrally(client: Any) -> None:
    r = client.post("/bao-tin/", form(website="http://spam.example"))
    html = r.content.decode()
    assert r.status_code == 400 and "Không gửi được tin báo" in html
    assert "honeypot" not in html.lower() and not Tip.objects.exists()


def test_flood_from_one_address_is_rate_limited(client: Any, settings: Any) -> None:
    settings.TIP_RATE_LIMIT = 2
    assert client.post("/bao-tin/", form()).status_code == 303
    assert client.post("/bao-tin/", form(description="x")).status_code == 200  # errors count too
    r = client.post("/bao-tin/", form())
    assert r.status_code == 429 and "quá nhiều tin báo" in r.content.decode()
    assert r["Retry-After"] == str(settings.TIP_RATE_WINDOW_SECONDS)
    assert Tip.objects.count() == 1
    # Another address is not affected.
    assert client.post("/bao-tin/", form(), REMOTE_ADDR="10.0.0.9").status_code == 303


# --- tracking ----------------------------------------------------------------------------------------


def test_tracking_page_shows_status_and_public_notes_only(client: Any, make_user: Any) -> None:
    tip = tip_in(
        anonymous=False,
        reporter_name="Trần Thị Bình",
        reporter_phone="0912345678",
        address="Số 12 đường Bí Mật",
        description="Nội dung bí mật của tin báo, không công khai.",
    )
    officer = make_user("commune_officer", DUC_TRONG, full_name="Lê Văn Công")
    domain.add_note(officer, tip, "Ghi chú nội bộ: nghi vấn đối tượng X.")
    domain.add_note(officer, tip, "Công an xã đã tiếp nhận và đang xác minh.", public=True)
    domain.start_check(officer, tip)
    r = client.get(f"/theo-doi/{tip.tracking_code}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Công an xã đã tiếp nhận và đang xác minh." in html
    assert 'data-status="checking"' in html and vi(Status.CHECKING.label) in html
    assert "Trộm cắp tài sản" in html and "Xã Đức Trọng" in html
    for secret in (
        "Nội dung bí mật",
        "Bí Mật",
        "Ghi chú nội bộ",
        "Trần Thị Bình",
        "0912345678",
        "Lê Văn Công",
        "commune_officer",
    ):
        assert secret not in html, secret
    assert r["Referrer-Policy"] == "same-origin"


def test_tracking_lookup(client: Any) -> None:
    tip = tip_in()
    assert client.get("/theo-doi/").status_code == 200
    typed = tip.tracking_code.lower().replace("-", " ")
    r = client.get("/theo-doi/", {"code": typed})
    assert r.status_code == 303 and r["Location"] == f"/theo-doi/{tip.tracking_code}/"
    r = client.get("/theo-doi/", {"code": "abc"})
    assert r.status_code == 200 and "Mã theo dõi gồm 12" in r.content.decode()
    r = client.get("/theo-doi/", {"code": "2222-3333-4444"})
    assert r.status_code == 404 and "Không tìm thấy tin báo" in r.content.decode()
    assert client.get("/theo-doi/2222-3333-4444/").status_code == 404
    r = client.get(f"/theo-doi/{tip.tracking_code.lower()}/")
    assert r.status_code == 303 and r["Location"] == f"/theo-doi/{tip.tracking_code}/"


# --- staff: queue -------------------------------------------------------------------------------------


def test_queue_is_scoped_to_the_officers_commune(client: Any, officer: Any) -> None:
    mine = tip_in(DUC_TRONG)
    other = tip_in(HIEP_THANH)
    far = tip_in(HOAN_KIEM)
    r = client.get("/tips/")
    html = r.content.decode()
    assert r.status_code == 200
    assert mine.tracking_code in html
    assert other.tracking_code not in html and far.tracking_code not in html
    assert client.get("/tips/", {"area": HIEP_THANH}).status_code == 403
    assert client.get(f"/tips/{other.pk}/").status_code == 404
    assert client.get(f"/tips/{mine.pk}/").status_code == 200
    assert "data-tips-chart" in html  # tips per month


def test_queue_refuses_residents_and_sends_visitors_to_login(client: Any, make_user: Any) -> None:
    r = client.get("/tips/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    login(client, make_user("resident", DUC_TRONG))
    assert client.get("/tips/").status_code == 403
    assert client.get("/tips/export.csv").status_code == 403


def test_queue_tabs_filters_search_and_sort(client: Any, officer: Any, make_user: Any) -> None:
    import datetime

    from django.utils import timezone

    a = tip_in(description="Mất trộm xe máy Honda trước chợ Đức Trọng vào buổi tối.")
    b = tip_in(category="danh-nhau", description="Hai nhóm thanh niên đánh nhau ở quán nước đầu thôn.")
    c = tip_in(description="Trộm gà trong đêm tại nhà ông Ba, mất năm con gà.")
    domain.claim(officer, a)
    domain.decide(officer, c, Status.UNFOUNDED, "Xác minh không có sự việc.")
    Tip.objects.filter(pk=b.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    domain.set_valuable(officer, a, True, "Giúp phát hiện đường dây trộm xe.")

    def codes(**params: Any) -> set[str]:
        html = client.get("/tips/", params).content.decode()
        return {t.tracking_code for t in (a, b, c) if t.tracking_code in html}

    assert codes() == {a.tracking_code, b.tracking_code}  # open by default
    assert codes(tab="mine") == {a.tracking_code}
    assert codes(tab="unclaimed") == {b.tracking_code}
    assert codes(tab="overdue") == {b.tracking_code}
    assert codes(tab="decided") == {c.tracking_code}
    assert codes(tab="all") == {a.tracking_code, b.tracking_code, c.tracking_code}
    assert codes(tab="all", q="xe may") == {a.tracking_code}  # diacritic-insensitive
    assert codes(tab="all", q="ĐÁNH NHAU") == {b.tracking_code}
    assert codes(tab="all", category="danh-nhau") == {b.tracking_code}
    assert codes(tab="all", status="unfounded") == {c.tracking_code}
    assert codes(tab="all", valuable="on") == {a.tracking_code}
    assert codes(tab="all", deadline="overdue") == {b.tracking_code}
    today = timezone.localdate().isoformat()
    assert codes(tab="all", since=today, until=today) == {a.tracking_code, b.tracking_code, c.tracking_code}
    assert codes(tab="all", since="2001-01-01", until="2001-01-02") == set()
    html = client.get("/tips/", {"tab": "all", "sort": "deadline"}).content.decode()
    assert html.index(b.tracking_code) < html.index(a.tracking_code)  # overdue first
    assert "deadline-overdue" in html
    assert "Lê Văn Công" in html  # "being handled by"
    # Bad filter values do not break the page.
    assert client.get("/tips/", {"since": "not a date", "tab": "nope", "area": "999999"}).status_code == 200


def test_export_csv_has_bom_no_reporter_and_is_audited(client: Any, officer: Any) -> None:
    tip_in(
        anonymous=False,
        reporter_name="Trần Thị Bình",
        reporter_phone="0912345678",
        reporter_email="binh@example.vn",
    )
    tip_in(HIEP_THANH)
    r = client.get("/tips/export.csv", {"tab": "all"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    body = b"".join(r.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][0] == "ma_theo_doi" and len(rows) == 2  # header + the one tip in scope
    assert "Trộm cắp tài sản" in body
    for secret in ("Trần Thị Bình", "0912345678", "binh@example.vn"):
        assert secret not in body
    event = AuditEvent.objects.filter(action="export", object_type="tips.tip").get()
    assert event.detail["rows"] == 1 and event.actor_id == officer.pk


# --- staff: one tip -----------------------------------------------------------------------------------


def test_claim_check_decide_outcome_and_timeline(client: Any, officer: Any) -> None:
    tip = tip_in()
    base = f"/tips/{tip.pk}/"
    r = client.post(base + "claim/")
    assert r.status_code == 303 and r["Location"] == base
    page = client.get(base).content.decode()
    assert "Lê Văn Công" in page and 'data-testid="release"' in page
    assert client.post(base + "check/").status_code == 303
    tip.refresh_from_db()
    assert tip.status == Status.CHECKING and tip.claimed_by == officer
    # An error comes back on the page, in Vietnamese, nothing changed.
    r = client.post(base + "decide/", {"status": "forwarded", "reason": ""})
    assert r.status_code == 422 and "Hãy ghi lý do" in r.content.decode()
    r = client.post(base + "decide/", {"status": "forwarded", "reason": "Có dấu hiệu tội phạm trộm cắp."})
    assert r.status_code == 303
    tip.refresh_from_db()
    assert tip.status == Status.FORWARDED and tip.decided_by == officer and tip.decision_reason
    r = client.post(base + "outcome/", {"outcome": "prosecuted", "note": "Quyết định khởi tố số 12."})
    assert r.status_code == 303
    tip.refresh_from_db()
    assert tip.outcome == "prosecuted"
    page = client.get(base).content.decode()
    assert 'data-testid="timeline"' in page and page.count('class="timeline-item') >= 5
    assert "Có dấu hiệu tội phạm trộm cắp." in page and 'data-testid="outcome"' in page
    # Follow a redirect: the success message is shown.
    r = client.post(base + "notes/", {"body": "Đã báo kết quả cho trưởng thôn."}, follow=True)
    assert "msg-success" in r.content.decode()


def test_htmx_action_and_release(client: Any, officer: Any) -> None:
    tip = tip_in()
    base = f"/tips/{tip.pk}/"
    r = client.post(base + "claim/", **HX)
    assert r.status_code == 303
    r = client.post(base + "release/", **HX)
    assert r.status_code == 303
    tip.refresh_from_db()
    assert tip.claimed_by is None
    r = client.post(base + "extend/", {"reason": ""}, **HX)
    assert r.status_code == 422 and r["HX-Push-Url"] == base


def test_claimed_tip_and_leader_take_over(client: Any, officer: Any, make_user: Any) -> None:
    tip = tip_in()
    other = make_user("commune_officer", DUC_TRONG, full_name="Phạm Thị Hoa")
    domain.claim(other, tip)
    r = client.post(f"/tips/{tip.pk}/claim/")
    assert r.status_code == 422 and "Tin đang do" in r.content.decode()
    leader = make_user("commune_leader", DUC_TRONG)
    login(client, leader)
    assert 'data-testid="take-over"' in client.get(f"/tips/{tip.pk}/").content.decode()
    assert client.post(f"/tips/{tip.pk}/claim/", {"take_over": "1"}).status_code == 303
    tip.refresh_from_db()
    assert tip.claimed_by == leader


def test_extend_valuable_notes_and_duplicate(client: Any, officer: Any) -> None:
    original = tip_in()
    tip = tip_in()
    base = f"/tips/{tip.pk}/"
    assert (
        client.post(base + "extend/", {"reason": "Cần giám định tài sản.", "days": "abc"}).status_code == 422
    )
    assert client.post(base + "extend/", {"reason": "Cần giám định tài sản."}).status_code == 303
    tip.refresh_from_db()
    assert tip.extensions == 1
    assert client.post(base + "valuable/", {"valuable": "1", "reason": ""}).status_code == 422
    assert (
        client.post(base + "valuable/", {"valuable": "1", "reason": "Dẫn tới thu hồi tài sản."}).status_code
        == 303
    )
    tip.refresh_from_db()
    assert tip.valuable
    assert client.post(base + "valuable/", {"valuable": "0"}).status_code == 303
    tip.refresh_from_db()
    assert not tip.valuable
    assert client.post(base + "notes/", {"body": ""}).status_code == 422
    client.post(base + "notes/", {"body": "Nội bộ: đối tượng quen mặt."})
    client.post(base + "notes/", {"body": "Đã tiếp nhận, đang xác minh.", "public": "1"})
    page = client.get(base).content.decode()
    assert "note-internal" in page and "note-public" in page
    # Duplicate suggestions, prefilled decide form, then the decision linked to the original.
    assert original.tracking_code in page and 'data-testid="suggestions"' in page
    prefilled = client.get(base, {"duplicate_of": original.tracking_code}).content.decode()
    assert f'value="{original.tracking_code}"' in prefilled and 'value="duplicate" selected' in prefilled
    r = client.post(
        base + "decide/",
        {
            "status": "duplicate",
            "reason": "Trùng với tin đã nhận.",
            "duplicate_of": original.tracking_code.lower(),
        },
    )
    assert r.status_code == 303
    tip.refresh_from_db()
    assert tip.status == Status.DUPLICATE and tip.duplicate_of == original
    assert tip.tracking_code in client.get(f"/tips/{original.pk}/").content.decode()


def test_attachment_upload_and_served_only_in_scope(
    client: Any, officer: Any, make_user: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    tip = tip_in()
    r = client.post(f"/tips/{tip.pk}/attachments/", {"file": photo("bien-ban.jpg")})
    assert r.status_code == 303
    item = Attachment.objects.get(tip=tip)
    assert not item.from_reporter and item.uploaded_by == officer
    fake = photo("x.jpg", b"<script>alert(1)</script>" + b" " * 50)
    assert client.post(f"/tips/{tip.pk}/attachments/", {"file": fake}).status_code == 422
    assert client.post(f"/tips/{tip.pk}/attachments/", {}).status_code == 422
    assert f"/tips/attachments/{item.pk}/" in client.get(f"/tips/{tip.pk}/").content.decode()
    reads = AuditEvent.objects.filter(action="read", object_type="tips.attachment").count()
    r = client.get(f"/tips/attachments/{item.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert r["X-Content-Type-Options"] == "nosniff" and r["Cache-Control"] == "private, no-store"
    assert r["Content-Disposition"].startswith("inline")
    assert b"".join(r.streaming_content) == JPEG
    assert AuditEvent.objects.filter(action="read", object_type="tips.attachment").count() == reads + 1
    login(client, make_user("commune_officer", HIEP_THANH))
    assert client.get(f"/tips/attachments/{item.pk}/").status_code == 404
    login(client, make_user("resident", DUC_TRONG))
    assert client.get(f"/tips/attachments/{item.pk}/").status_code == 403
    client.logout()
    r = client.get(f"/tips/attachments/{item.pk}/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_reporter_reveal_is_audited_and_limited(client: Any, officer: Any, make_user: Any) -> None:
    tip = tip_in(anonymous=False, reporter_name="Trần Thị Bình", reporter_phone="0912345678")
    anonymous = tip_in()
    other = make_user("commune_officer", DUC_TRONG)
    page = client.get(f"/tips/{tip.pk}/").content.decode()
    assert "0912345678" not in page and 'data-testid="reveal-reporter"' not in page  # not handling it yet
    assert client.post(f"/tips/{tip.pk}/reporter/").status_code == 403
    domain.claim(officer, tip)
    page = client.get(f"/tips/{tip.pk}/").content.decode()
    assert "0912345678" not in page and 'data-testid="reveal-reporter"' in page
    assert client.get(f"/tips/{tip.pk}/reporter/").status_code == 405
    r = client.post(f"/tips/{tip.pk}/reporter/", **HX)
    html = r.content.decode()
    assert r.status_code == 200 and "0912345678" in html and "Trần Thị Bình" in html and "<html" not in html
    assert r["Cache-Control"] == "private, no-store"
    reads = AuditEvent.objects.filter(action="read", object_type="tips.reporter")
    assert reads.count() == 1 and reads.get().actor_id == officer.pk
    r = client.post(f"/tips/{tip.pk}/reporter/")  # without JS: the whole page
    assert r.status_code == 200 and "0912345678" in r.content.decode() and "<html" in r.content.decode()
    assert reads.count() == 2
    # Another officer of the same commune, not handling it: refused, nothing read.
    login(client, other)
    assert client.post(f"/tips/{tip.pk}/reporter/").status_code == 403
    assert reads.count() == 2
    # The commune leader may.
    login(client, make_user("commune_leader", DUC_TRONG))
    assert "0912345678" in client.post(f"/tips/{tip.pk}/reporter/", **HX).content.decode()
    # Lists never show it; an anonymous tip says so.
    assert "0912345678" not in client.get("/tips/", {"tab": "all"}).content.decode()
    assert 'data-testid="reveal-reporter"' not in client.get(f"/tips/{anonymous.pk}/").content.decode()


def test_staff_entry_records_the_channel(client: Any, officer: Any, make_user: Any) -> None:
    r = client.get("/tips/new/")
    assert r.status_code == 200 and f'value="{DUC_TRONG}"' in r.content.decode()
    r = client.post("/tips/new/", form(channel="phone", anonymous="0", reporter_phone="0987654321"))
    assert r.status_code == 303
    tip = Tip.objects.get()
    assert r["Location"] == f"/tips/{tip.pk}/"
    assert tip.channel == "phone" and tip.entered_by == officer
    r = client.post("/tips/new/", form(channel="web"))
    assert r.status_code == 422 and "kênh" in r.content.decode()
    r = client.post("/tips/new/", form(channel="in_person", commune=HIEP_THANH))
    assert r.status_code == 403
    assert Tip.objects.count() == 1
    login(client, make_user("resident", DUC_TRONG))
    assert client.get("/tips/new/").status_code == 403
