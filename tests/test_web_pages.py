"""Web UI: landing page, login (password, lockout, two-factor), dashboard scope, language, errors."""

from __future__ import annotations

import json
from typing import Any

import pyotp
import pytest
from django.urls import reverse

from tests.conftest import DEMO_PASSWORD, DUC_TRONG, HANOI, LAM_DONG

pytestmark = pytest.mark.django_db


def login(client: Any, user: Any) -> None:
    r = client.post(reverse("login"), {"username": user.username, "password": DEMO_PASSWORD})
    assert r.status_code == 302, r.content.decode()[:500]


# --- landing page ----------------------------------------------------------------------------------


def test_anonymous_landing_shows_national_counts_in_vietnamese(client: Any) -> None:
    r = client.get("/")
    assert r.status_code == 200
    html = r.content.decode()
    assert '<html lang="vi">' in html
    assert "3.321" in html and ">34<" in html
    assert "Đăng nhập" in html
    assert 'href="/accounts/login/"' in html
    # Assets are local: no CDN anywhere.
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "https://" not in html.split("<body")[0]


def test_language_switch_changes_page_to_english(client: Any) -> None:
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    r = client.get("/")
    html = r.content.decode()
    assert '<html lang="en">' in html
    assert "3,321" in html
    assert "Log in" in html and "Đăng nhập" not in html
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "3.321" in client.get("/").content.decode()


# --- login -----------------------------------------------------------------------------------------


def test_login_success_and_logout(client: Any, make_user: Any) -> None:
    user = make_user("commune_officer", DUC_TRONG)
    r = client.post(reverse("login"), {"username": user.username, "password": DEMO_PASSWORD})
    assert r.status_code == 302 and r.url == "/"
    html = client.get("/").content.decode()
    assert "Nguyễn Văn An" in html and "Đăng xuất" in html
    assert "Xã Đức Trọng" in html
    # Logout is POST only.
    assert client.get(reverse("logout")).status_code == 405
    r = client.post(reverse("logout"))
    assert r.status_code == 302
    assert "Đăng xuất" not in client.get("/").content.decode()


def test_login_redirects_to_safe_next_only(client: Any, make_user: Any) -> None:
    user = make_user("commune_officer", DUC_TRONG)
    r = client.post(reverse("login") + "?next=/areas/",
                    {"username": user.username, "password": DEMO_PASSWORD, "next": "/areas/"})
    assert r.url == "/areas/"
    client.post(reverse("logout"))
    r = client.post(reverse("login"), {"username": user.username, "password": DEMO_PASSWORD,
                                       "next": "https://evil.example/"})
    assert r.url == "/"


def test_login_failure_shows_vietnamese_message(client: Any, make_user: Any) -> None:
    user = make_user("commune_officer", DUC_TRONG)
    r = client.post(reverse("login"), {"username": user.username, "password": "sai-mat-khau"})
    assert r.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in r.content.decode()
    assert "_auth_user_id" not in client.session
    r = client.post(reverse("login"), {"username": "", "password": ""})
    assert "Hãy nhập cả tên đăng nhập và mật khẩu." in r.content.decode()


def test_login_lockout_after_five_failures(client: Any, make_user: Any) -> None:
    user = make_user("commune_officer", DUC_TRONG)
    for _ in range(5):
        client.post(reverse("login"), {"username": user.username, "password": "sai-mat-khau"})
    r = client.post(reverse("login"), {"username": user.username, "password": DEMO_PASSWORD})
    assert r.status_code == 200
    assert "Tài khoản tạm khoá" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_two_step_login_with_totp(client: Any, make_user: Any) -> None:
    from binhyen.accounts import domain

    user = make_user("commune_officer", DUC_TRONG)
    device = domain.start_totp(user)
    totp = pyotp.TOTP(device.secret)
    assert domain.confirm_totp(user, totp.now())
    # The code used to confirm is spent; the login needs the next one (or a fresh device counter).
    type(device).objects.filter(pk=device.pk).update(last_counter=0)

    r = client.post(reverse("login"), {"username": user.username, "password": DEMO_PASSWORD})
    assert r.status_code == 302 and r.url == reverse("login_code")
    assert "_auth_user_id" not in client.session
    r = client.post(reverse("login_code"), {"code": "000000" if totp.now() != "000000" else "111111"})
    assert r.status_code == 200
    assert "Mã không đúng" in r.content.decode()
    assert "_auth_user_id" not in client.session
    r = client.post(reverse("login_code"), {"code": totp.now()})
    assert r.status_code == 302 and r.url == "/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_code_step_without_password_step_goes_back_to_login(client: Any) -> None:
    r = client.get(reverse("login_code"))
    assert r.status_code == 302 and r.url == reverse("login")


def test_admin_login_page_is_not_a_way_around_two_factor(client: Any, make_user: Any) -> None:
    from binhyen.accounts import domain

    admin = make_user("admin")
    device = domain.start_totp(admin)
    assert domain.confirm_totp(admin, pyotp.TOTP(device.secret).now())
    client.post("/admin/login/", {"username": admin.username, "password": DEMO_PASSWORD})
    assert "_auth_user_id" not in client.session


# --- security page ---------------------------------------------------------------------------------


def test_change_password_errors_and_success(client: Any, make_user: Any) -> None:
    user = make_user("commune_officer", DUC_TRONG)
    login(client, user)
    url = reverse("security")
    r = client.post(url, {"action": "password", "current_password": "sai", "new_password": "x",
                          "new_password2": "x"})
    assert r.status_code == 422
    assert "Mật khẩu hiện tại" in r.content.decode()
    r = client.post(url, {"action": "password", "current_password": DEMO_PASSWORD, "new_password": "12345",
                          "new_password2": "12345"})
    assert r.status_code == 422
    html = r.content.decode()
    assert "quá ngắn" in html or "ít nhất" in html  # Django's validators, in Vietnamese
    new = "Mot-mat-khau-moi-rat-dai-2025"
    r = client.post(url, {"action": "password", "current_password": DEMO_PASSWORD, "new_password": new,
                          "new_password2": new})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert "_auth_user_id" in client.session  # still logged in


def test_enable_and_disable_two_factor(client: Any, make_user: Any) -> None:
    from binhyen.accounts import domain
    from binhyen.accounts.models import TOTPDevice

    user = make_user("commune_officer", DUC_TRONG)
    login(client, user)
    url = reverse("security")
    client.post(url, {"action": "totp_start"})
    device = TOTPDevice.objects.get(user=user)
    html = client.get(url).content.decode()
    assert device.secret in html and "otpauth://" in html
    r = client.post(url, {"action": "totp_confirm", "code": "abc"})
    assert r.status_code == 422 and "Mã xác thực" in r.content.decode()
    r = client.post(url, {"action": "totp_confirm", "code": pyotp.TOTP(device.secret).now()})
    assert r.status_code == 302
    assert domain.totp_required(user)
    r = client.post(url, {"action": "totp_disable", "password": "sai"})
    assert r.status_code == 422
    client.post(url, {"action": "totp_disable", "password": DEMO_PASSWORD})
    assert not domain.totp_required(user)


# --- dashboard -------------------------------------------------------------------------------------


def test_dashboard_shows_counts_for_own_area(client: Any, make_user: Any) -> None:
    from binhyen.areas import domain as areas

    commune = areas.get_area(DUC_TRONG)
    areas.create_villages(commune, [areas.VillageInput("Thôn Một", "thôn", 1200),
                                    areas.VillageInput("Thôn Hai", "thôn", 1300)])
    user = make_user("province_analyst", LAM_DONG)
    login(client, user)
    r = client.get("/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Lâm Đồng" in html
    expected = areas.counts(areas.get_area(LAM_DONG))
    assert f"{expected['communes']}</span>" in html
    assert "2.500" in html  # known population, Vietnamese thousands separator
    assert f"1/{expected['communes']}" in html
    chart = json.loads(html.split('id="top-communes-data" type="application/json">')[1].split("</script>")[0])
    assert chart["labels"] == ["Xã Đức Trọng"] and chart["values"] == [2]
    # Drill down to one of its communes.
    r = client.get("/", {"area": DUC_TRONG})
    assert r.status_code == 200 and "Thôn Một" in r.content.decode()


def test_dashboard_outside_scope_is_403_in_vietnamese(client: Any, make_user: Any) -> None:
    login(client, make_user("province_analyst", LAM_DONG))
    r = client.get("/", {"area": HANOI})
    assert r.status_code == 403
    assert "Không có quyền truy cập" in r.content.decode()
    r = client.get("/", {"area": "khong-co"})
    assert r.status_code == 404
    assert "Không có đơn vị hành chính mã" in r.content.decode()


def test_navigation_lists_only_permitted_entries(client: Any, make_user: Any) -> None:
    login(client, make_user("resident", DUC_TRONG))
    html = client.get("/").content.decode()
    assert 'href="/areas/"' in html
    assert 'href="/users/"' not in html and 'href="/audit/"' not in html and "/api/v1/docs" not in html
    client.post(reverse("logout"))
    login(client, make_user("admin"))
    html = client.get("/").content.decode()
    for href in ('href="/users/"', 'href="/audit/"', 'href="/api/v1/docs"', 'href="/areas/"'):
        assert href in html


def test_nav_registry_accepts_entries_from_other_apps(rf: Any, make_user: Any) -> None:
    from binhyen.accounts.permissions import Perm
    from binhyen.web.context import nav

    request = rf.get("/")
    request.user = make_user("resident", DUC_TRONG)
    nav.register("extra-test", "Extra", "areas:list", perm=Perm.MANAGE_USERS, order=1)
    try:
        assert "extra-test" not in [e["key"] for e in nav.for_request(request)]
        request.user = make_user("admin")
        assert [e["key"] for e in nav.for_request(request)][0] == "extra-test"
    finally:
        nav.unregister("extra-test")


# --- errors ----------------------------------------------------------------------------------------


def test_unknown_page_is_friendly_404(client: Any) -> None:
    r = client.get("/khong-ton-tai/")
    assert r.status_code == 404
    assert "Không tìm thấy trang" in r.content.decode()


def test_api_unknown_path_is_problem_json(client: Any) -> None:
    r = client.get("/api/v1/nonexistent")
    assert r.status_code == 404
    assert r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 404 and body["detail"] == "Không tìm thấy đường dẫn API này."


def test_server_error_page(rf: Any) -> None:
    from binhyen.web.views import server_error

    r = server_error(rf.get("/areas/"))
    assert r.status_code == 500 and "Đã có lỗi xảy ra" in r.content.decode()
    r = server_error(rf.get("/api/v1/areas"))
    assert r.status_code == 500 and r["Content-Type"] == "application/problem+json"


def test_login_required_pages_redirect_to_login(client: Any) -> None:
    for url in ("/areas/", f"/areas/{DUC_TRONG}/", "/users/", "/audit/", "/accounts/security/"):
        r = client.get(url)
        assert r.status_code == 302 and r.url.startswith("/accounts/login/?next="), url
