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
PAGES: list[Page] = []
PUBLIC_PAGES: set[str] = set()  # pages open to everyone, tested in their own modules
PUBLIC_PAGES |= {
    f"open311:{name}"
    for name in ("discovery", "services", "service_definition", "requests", "request", "token", "unknown")
}
