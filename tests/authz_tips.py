"""Authorization matrix rows for tips (API endpoints and web pages). See tests/authz.py."""

from __future__ import annotations

import io
from typing import Any

from tests.authz import COMMUNE_STAFF, Endpoint, Page, World, _json, commune_code


def tip_in(where: str, **extra: Any) -> Any:
    """A tip in the checker's commune ("inside") or in Hoàn Kiếm ("outside")."""
    from binhyen.tips import domain

    return domain.submit(
        domain.NewTip(
            category="trom-cap",
            description="Mất trộm xe đạp trước cổng trường tiểu học.",
            commune=commune_code(where),
            **extra,
        )
    )


def _tip_path(suffix: str = "") -> Any:
    def build(w: World, where: str) -> tuple[str, dict[str, Any]]:
        return f"/api/v1/tips/{tip_in(where).pk}{suffix}", {}

    return build


def _patch(w: World, where: str) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/tips/{tip_in(where).pk}", _json({"claim": True})


def _note(w: World, where: str) -> tuple[str, dict[str, Any]]:
    return f"/api/v1/tips/{tip_in(where).pk}/notes", _json({"body": "Đã liên hệ trưởng thôn."})


def _attachment(w: World, where: str) -> tuple[str, dict[str, Any]]:
    photo = io.BytesIO(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64)
    photo.name = "anh.jpg"
    return f"/api/v1/tips/{tip_in(where).pk}/attachments", {"data": {"file": photo}}


def _reporter(w: World, where: str) -> tuple[str, dict[str, Any]]:
    tip = tip_in(where, anonymous=False, reporter_phone="0912345678")
    return f"/api/v1/tips/{tip.pk}/reporter", {}


API: list[Endpoint] = [
    # The list is filtered to the caller's areas, so "outside" is an empty list rather than a refusal.
    Endpoint(
        "api:list_tips",
        "get",
        lambda w, where: (f"/api/v1/tips?area={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
        outside=COMMUNE_STAFF,
    ),
    Endpoint("api:get_tip", "get", _tip_path(), inside=COMMUNE_STAFF, denied=(403, 404)),
    Endpoint("api:update_tip", "patch", _patch, inside=COMMUNE_STAFF, denied=(403, 404)),
    Endpoint("api:add_tip_note", "post", _note, inside=COMMUNE_STAFF, ok=(201,), denied=(403, 404)),
    Endpoint(
        "api:add_tip_attachment", "post", _attachment, inside=COMMUNE_STAFF, ok=(201,), denied=(403, 404)
    ),
    Endpoint("api:tip_duplicates", "get", _tip_path("/duplicates"), inside=COMMUNE_STAFF, denied=(403, 404)),
    # Who reported: commune leaders (and the officer handling it, tested in test_tips_api); not admins.
    Endpoint(
        "api:get_tip_reporter", "get", _reporter, inside={"commune_leader"}, outside=set(), denied=(403, 404)
    ),
]
PUBLIC_API: dict[str, str] = {"api:list_tip_categories": "/api/v1/tip-categories"}
# Public, tested in their own modules: sending a tip, following it by code, the signed webhook.
PUBLIC_API_POST: set[str] = {"api:create_tip", "api:track_tip", "api:inbound_tip_message"}


# --- web pages (tests/test_authz_matrix_web.py) ------------------------------------------------------
_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def _page(suffix: str = "", data: dict[str, Any] | None = None, **extra: Any) -> Any:
    """/tips/<pk>/<suffix> for a tip made on the fly inside or outside the checker's commune."""

    def build(w: World, where: str) -> tuple[str, dict[str, Any]]:
        tip = tip_in(where, **extra)
        return f"/tips/{tip.pk}/{suffix}", ({"data": data} if data else {})

    return build


def _forwarded(w: World, where: str) -> tuple[str, dict[str, Any]]:
    from binhyen.tips.models import Status, Tip

    tip = tip_in(where)
    Tip.objects.filter(pk=tip.pk).update(status=Status.FORWARDED)  # a decided tip, whoever decided it
    return f"/tips/{tip.pk}/outcome/", {"data": {"outcome": "prosecuted", "note": "Đã khởi tố."}}


def _web_attachment(w: World, where: str) -> tuple[str, dict[str, Any]]:
    photo = io.BytesIO(_JPEG)
    photo.name = "anh.jpg"
    return f"/tips/{tip_in(where).pk}/attachments/", {"data": {"file": photo}}


def _stored_file(w: World, where: str) -> tuple[str, dict[str, Any]]:
    from binhyen.tips import domain

    tip = domain.submit(
        domain.NewTip(
            category="trom-cap", description="Ảnh chụp người lạ trước cổng.", commune=commune_code(where)
        ),
        [domain.Upload("anh.jpg", io.BytesIO(_JPEG), len(_JPEG))],
    )
    return f"/tips/attachments/{tip.attachments.get().pk}/", {}


def _staff_entry(w: World, where: str) -> tuple[str, dict[str, Any]]:
    return "/tips/new/", {
        "data": {
            "channel": "phone",
            "category": "trom-cap",
            "description": "Người dân gọi điện báo mất trộm xe đạp.",
            "commune": commune_code(where),
            "anonymous": "1",
        }
    }


_MOVED = (303,)  # actions answer "see the tip" (or the list) after doing it
PAGES: list[Page] = [
    Page(
        "tips:queue", "get", lambda w, where: (f"/tips/?area={commune_code(where)}", {}), inside=COMMUNE_STAFF
    ),
    Page(
        "tips:export",
        "get",
        lambda w, where: (f"/tips/export.csv?area={commune_code(where)}", {}),
        inside=COMMUNE_STAFF,
    ),
    Page(
        "tips:create", "get", lambda w, where: ("/tips/new/", {}), inside=COMMUNE_STAFF, outside=COMMUNE_STAFF
    ),
    Page("tips:create", "post", _staff_entry, inside=COMMUNE_STAFF, ok=_MOVED),
    Page("tips:detail", "get", _page(), inside=COMMUNE_STAFF, denied=(403, 404)),
    Page("tips:claim", "post", _page("claim/"), inside=COMMUNE_STAFF, ok=_MOVED, denied=(403, 404)),
    Page("tips:release", "post", _page("release/"), inside=COMMUNE_STAFF, ok=_MOVED, denied=(403, 404)),
    Page("tips:start_check", "post", _page("check/"), inside=COMMUNE_STAFF, ok=_MOVED, denied=(403, 404)),
    Page(
        "tips:decide",
        "post",
        _page("decide/", {"status": "unfounded", "reason": "Không có sự việc."}),
        inside=COMMUNE_STAFF,
        ok=_MOVED,
        denied=(403, 404),
    ),
    Page("tips:outcome", "post", _forwarded, inside=COMMUNE_STAFF, ok=_MOVED, denied=(403, 404)),
    Page(
        "tips:extend",
        "post",
        _page("extend/", {"reason": "Cần giám định tài sản."}),
        inside=COMMUNE_STAFF,
        ok=_MOVED,
        denied=(403, 404),
    ),
    Page(
        "tips:valuable",
        "post",
        _page("valuable/", {"valuable": "1", "reason": "Giúp thu hồi tài sản."}),
        inside=COMMUNE_STAFF,
        ok=_MOVED,
        denied=(403, 404),
    ),
    Page(
        "tips:add_note",
        "post",
        _page("notes/", {"body": "Đã liên hệ trưởng thôn."}),
        inside=COMMUNE_STAFF,
        ok=_MOVED,
        denied=(403, 404),
    ),
    Page("tips:add_attachment", "post", _web_attachment, inside=COMMUNE_STAFF, ok=_MOVED, denied=(403, 404)),
    # Who reported: commune leaders (and the officer handling it, tested in test_tips_web); not admins.
    Page(
        "tips:reporter",
        "post",
        _page("reporter/", anonymous=False, reporter_phone="0912345678"),
        inside={"commune_leader"},
        outside=set(),
        denied=(403, 404),
    ),
    Page("tips:attachment", "get", _stored_file, inside=COMMUNE_STAFF, denied=(403, 404)),
]
# The public form and the tracking pages, tested in tests/test_tips_web.py.
PUBLIC_PAGES: set[str] = {"tips:report", "tips:track_lookup", "tips:track"}
PUBLIC_PAGES |= {
    f"open311:{name}"
    for name in ("discovery", "services", "service_definition", "requests", "request", "token", "unknown")
}
