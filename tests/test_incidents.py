"""Incidents register: domain rules, API and web pages (scoping, validation, from a tip, same-period
statistics, the crime taxonomy)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.utils import timezone

from binhyen.areas import domain as areas
from binhyen.incidents import domain
from binhyen.incidents.models import CrimeCategory, Incident
from binhyen.tips import domain as tips
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db


def ago(**kw: Any) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kw)


def at(day: str, hour: int = 12) -> datetime.datetime:
    return domain.local_datetime(datetime.date.fromisoformat(day), datetime.time(hour, 0))


def new(**kw: Any) -> domain.NewIncident:
    base: dict[str, Any] = {
        "category": "trom-cap",
        "occurred_at": ago(days=2),
        "commune": DUC_TRONG,
        "summary": "Mất trộm xe máy Honda Wave đỗ trước cổng chợ Liên Nghĩa.",
        "suspects": 1,
        "victims": 1,
    }
    base.update(kw)
    return domain.NewIncident(**base)


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG)


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("admin")


@pytest.fixture
def village() -> Any:
    return areas.create_village(areas.get_area(DUC_TRONG), areas.VillageInput("Thôn Phú Thạnh", "thôn"))


def login(client: Any, user: Any) -> None:
    client.force_login(user, backend="binhyen.accounts.backends.LockoutModelBackend")


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- taxonomy seed ------------------------------------------------------------------------------------


def test_taxonomy_is_seeded_and_matches_tip_codes() -> None:
    from binhyen.tips.data.categories import CATEGORIES as TIP_CATEGORIES

    codes = set(CrimeCategory.objects.values_list("code", flat=True))
    assert {"trom-cap", "cuop-giat", "danh-nhau", "ma-tuy", "co-bac", "tin-dung-den", "lua-dao-mang"} <= codes
    assert {"xam-hai-tre-em", "vu-khi", "chay-no", "giao-thong", "xuat-nhap-canh", "khac"} <= codes
    assert {"bao-luc-hoc-duong", "bao-luc-gia-dinh"} <= codes
    # Every tip category has a crime category of the same code: a tip's category carries over.
    assert {c[0] for c in TIP_CATEGORIES} <= codes
    assert CrimeCategory.objects.get(code="ma-tuy").group == "Ma tuý"


# --- domain: writing and validation -------------------------------------------------------------------


def test_create_incident_keeps_area_path_and_counts(officer: Any, village: Any) -> None:
    incident = domain.create_incident(
        officer,
        new(village=village.code, latitude=11.73621234, longitude=108.37, property_damage_vnd=25_000_000),
    )
    assert incident.area_path == village.path
    assert incident.created_by == officer
    assert (incident.latitude, incident.longitude) == (11.736212, 108.37)
    assert incident.property_damage_vnd == 25_000_000
    assert "lien nghia" in incident.search_text and "trom cap" in incident.search_text
    assert not incident.cleared and incident.cleared_at is None
    without_village = domain.create_incident(officer, new())
    assert without_village.area_path == areas.get_area(DUC_TRONG).path


def test_text_is_normalised_to_nfc(officer: Any) -> None:
    decomposed = "Đa\u0301nh nhau ở chợ"  # "á" typed as a + combining acute
    incident = domain.create_incident(officer, new(summary=f"  {decomposed}  ", address=" Chợ  "))
    assert incident.summary == "Đánh nhau ở chợ"
    assert incident.address == "Chợ"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"occurred_at": ago(days=-2)}, "occurred_at", "tương lai"),
        ({"occurred_at": None}, "occurred_at", "thời gian"),
        ({"commune": LAM_DONG}, "commune", "không phải mã một xã"),
        ({"commune": "99999"}, "commune", "không phải mã một xã"),
        ({"commune": ""}, "commune", "Hãy chọn xã"),
        ({"category": "khong-co"}, "category", "Không có loại"),
        ({"category": ""}, "category", "Hãy chọn loại"),
        ({"summary": "  "}, "summary", "tóm tắt"),
        ({"suspects": -1}, "suspects", "Số đối tượng"),
        ({"deaths": -3}, "deaths", "Số người chết"),
        ({"injuries": 10**7}, "injuries", "Số người bị thương"),
        ({"property_damage_vnd": -5}, "property_damage_vnd", "Thiệt hại"),
        ({"latitude": 95.0, "longitude": 108.0}, "latitude", "Vĩ độ"),
        ({"latitude": 11.0, "longitude": 190.0}, "longitude", "Kinh độ"),
        ({"latitude": 11.0}, "longitude", "cả vĩ độ và kinh độ"),
        ({"cleared": True, "cleared_at": ago(days=10)}, "cleared_at", "trước ngày xảy ra"),
        ({"cleared": True, "cleared_at": ago(days=-3)}, "cleared_at", "tương lai"),
    ],
)
def test_validation_errors_name_the_field(
    officer: Any, changes: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(domain.IncidentError) as e:
        domain.create_incident(officer, new(**changes))
    assert e.value.field == field
    assert words in e.value.message
    assert e.value.status == 422
    assert not Incident.objects.exists()


def test_village_must_belong_to_the_commune(officer: Any) -> None:
    other = areas.create_village(areas.get_area(HIEP_THANH), areas.VillageInput("Thôn Bồng Lai", "thôn"))
    with pytest.raises(domain.IncidentError) as e:
        domain.create_incident(officer, new(village=other.code))
    assert e.value.field == "village" and "không thuộc" in e.value.message
    with pytest.raises(domain.IncidentError):
        domain.create_incident(officer, new(village=DUC_TRONG))  # a commune is not a village


def test_inactive_category_is_refused_for_new_incidents(officer: Any, admin: Any) -> None:
    old = domain.create_incident(officer, new(category="moi-truong"))
    domain.deactivate_category(admin, CrimeCategory.objects.get(code="moi-truong"))
    with pytest.raises(domain.IncidentError) as e:
        domain.create_incident(officer, new(category="moi-truong"))
    assert e.value.field == "category" and "ngừng sử dụng" in e.value.message
    old.refresh_from_db()
    assert old.category.code == "moi-truong"  # kept, and still counted


def test_mark_cleared_and_back(officer: Any) -> None:
    incident = domain.create_incident(officer, new())
    incident = domain.mark_cleared(officer, incident, True)
    assert incident.cleared and incident.cleared_at is not None
    assert incident.cleared_at >= incident.occurred_at
    incident = domain.mark_cleared(officer, incident, False)
    assert not incident.cleared and incident.cleared_at is None


def test_cleared_on_creation_defaults_to_now(officer: Any) -> None:
    incident = domain.create_incident(officer, new(cleared=True))
    assert (
        incident.cleared_at is not None and abs((timezone.now() - incident.cleared_at).total_seconds()) < 60
    )
    # Same local day, earlier hour (fixed local times: "an hour ago" can fall on yesterday after midnight).
    day = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    same_day = domain.create_incident(
        officer, new(occurred_at=at(day, 15), cleared=True, cleared_at=at(day, 13))
    )
    assert same_day.cleared_at == same_day.occurred_at  # same day, earlier hour: moved to the occurrence


def test_update_keeps_cleared_date_and_checks_both_communes(officer: Any, make_user: Any) -> None:
    incident = domain.create_incident(officer, new(cleared=True, cleared_at=ago(days=1)))
    first = incident.cleared_at
    data = domain.incident_data(incident)
    data.summary = "Đã xác định đối tượng trộm xe máy."
    data.cleared_at = None
    incident = domain.update_incident(officer, incident, data)
    assert incident.cleared_at == first and incident.summary.startswith("Đã xác định")
    data = domain.incident_data(incident)
    data.commune = HIEP_THANH
    with pytest.raises(domain.IncidentForbidden):
        domain.update_incident(officer, incident, data)
    moved = domain.update_incident(make_user("admin"), incident, data)  # may act in both communes
    assert moved.area_path == areas.get_area(HIEP_THANH).path


# --- domain: scoping ----------------------------------------------------------------------------------


def test_officer_sees_and_changes_only_their_commune(officer: Any, make_user: Any) -> None:
    admin = make_user("admin")
    mine = domain.create_incident(officer, new())
    theirs = domain.create_incident(admin, new(commune=HIEP_THANH))
    far = domain.create_incident(admin, new(commune=HOAN_KIEM))
    assert list(domain.visible_incidents(officer)) == [mine]
    for other in (theirs, far):
        with pytest.raises(domain.IncidentNotFound):
            domain.get_incident(officer, other.pk)
        with pytest.raises(domain.IncidentForbidden):
            domain.update_incident(officer, other, domain.incident_data(other))
        with pytest.raises(domain.IncidentForbidden):
            domain.delete_incident(officer, other)
        with pytest.raises(domain.IncidentForbidden):
            domain.mark_cleared(officer, other, True)
    with pytest.raises(domain.IncidentForbidden):
        domain.create_incident(officer, new(commune=HIEP_THANH))
    with pytest.raises(domain.IncidentForbidden):
        domain.create_incident(officer, new(commune=HOAN_KIEM))
    analyst = make_user("province_analyst", LAM_DONG)
    assert set(domain.visible_incidents(analyst)) == {mine, theirs}
    with pytest.raises(domain.IncidentForbidden):
        domain.create_incident(analyst, new())
    resident = make_user("resident", DUC_TRONG)
    assert not domain.visible_incidents(resident).exists()
    assert domain.visible_incidents(admin).count() == 3


def test_filters(officer: Any, village: Any) -> None:
    a = domain.create_incident(officer, new(village=village.code, occurred_at=at("2025-03-05")))
    b = domain.create_incident(
        officer, new(category="danh-nhau", summary="Ẩu đả ở quán karaoke", occurred_at=at("2025-04-10"))
    )
    domain.mark_cleared(officer, b, True)
    qs = domain.visible_incidents(officer)
    f = domain.filter_incidents
    assert list(f(qs, domain.Filters(area=village))) == [a]
    assert list(f(qs, domain.Filters(category=CrimeCategory.objects.get(code="danh-nhau")))) == [b]
    assert list(f(qs, domain.Filters(cleared=True))) == [b]
    assert list(f(qs, domain.Filters(cleared=False))) == [a]
    assert list(f(qs, domain.Filters(q="au da KARAOKE"))) == [b]  # no diacritics, any case
    assert list(f(qs, domain.Filters(start=datetime.date(2025, 3, 5), end=datetime.date(2025, 3, 5)))) == [a]
    assert list(f(qs, domain.Filters(start=datetime.date(2025, 3, 6)))) == [b]


def test_parent_category_filter_includes_children(officer: Any, admin: Any) -> None:
    child = domain.create_category(
        admin, domain.CategoryInput(code="trom-xe", name="Trộm xe máy", parent="trom-cap")
    )
    a = domain.create_incident(officer, new(category=child.code))
    b = domain.create_incident(officer, new())
    parent = CrimeCategory.objects.get(code="trom-cap")
    assert set(domain.filter_incidents(Incident.objects.all(), domain.Filters(category=parent))) == {a, b}


# --- domain: from a tip ---------------------------------------------------------------------------------


def _tip(village: Any = None, **kw: Any) -> Any:
    return tips.submit(
        tips.NewTip(
            category=kw.pop("category", "trom-cap"),
            description="Có người lạ cạy khoá xe máy trước nhà văn hoá thôn lúc 22 giờ.",
            commune=kw.pop("commune", DUC_TRONG),
            village=village.code if village else "",
            occurred_at=ago(days=1),
            address="Nhà văn hoá thôn Phú Thạnh",
            latitude=11.7362,
            longitude=108.3725,
            anonymous=False,
            reporter_name="Trần Thị Bình",
            reporter_phone="0912345678",
            **kw,
        )
    )


def test_incident_from_tip_prefills_public_fields_only(officer: Any, village: Any) -> None:
    tip = _tip(village)
    data = domain.incident_from_tip(officer, tip.pk)
    assert data.category == "trom-cap"
    assert data.summary == tip.description
    assert (data.commune, data.village) == (DUC_TRONG, village.code)
    assert data.occurred_at == tip.occurred_at
    assert (data.address, data.latitude, data.longitude) == (tip.address, 11.7362, 108.3725)
    assert data.source_tip == tip.pk
    assert "Bình" not in json.dumps(domain.form_values(data), ensure_ascii=False)
    assert "0912345678" not in json.dumps(domain.form_values(data))
    # also by tracking code
    assert domain.incident_from_tip(officer, tip.tracking_code).source_tip == tip.pk
    incident = domain.create_incident(officer, data)
    assert incident.source_tip == tip
    assert domain.incidents_from_tip(tip.pk) == [incident.pk]


def test_incident_from_tip_respects_tip_scope(officer: Any, make_user: Any) -> None:
    tip = _tip(commune=HIEP_THANH)
    with pytest.raises(domain.IncidentNotFound):
        domain.incident_from_tip(officer, tip.pk)
    with pytest.raises(domain.IncidentNotFound):
        domain.incident_from_tip(officer, "not-a-tip")
    # a tip the user may not see cannot be named as the source either
    with pytest.raises(domain.IncidentError) as e:
        domain.create_incident(officer, new(source_tip=tip.pk))
    assert e.value.field == "source_tip"


def test_tip_category_without_match_falls_back(officer: Any, admin: Any) -> None:
    domain.deactivate_category(admin, CrimeCategory.objects.get(code="ma-tuy"))
    tip = _tip(category="ma-tuy")
    assert domain.incident_from_tip(officer, tip.pk).category == "khac"


# --- domain: statistics -------------------------------------------------------------------------------


def test_counts_compare_with_same_period_last_year(officer: Any, make_user: Any, village: Any) -> None:
    admin = make_user("admin")
    make = domain.create_incident
    # This period: March 2025.
    make(officer, new(occurred_at=at("2025-03-01", 0), deaths=1))
    make(
        officer,
        new(
            occurred_at=at("2025-03-31", 23), village=village.code, cleared=True, cleared_at=at("2025-04-02")
        ),
    )
    make(officer, new(category="danh-nhau", occurred_at=at("2025-03-15"), injuries=2))
    make(admin, new(commune=HIEP_THANH, occurred_at=at("2025-03-15")))  # another commune
    make(officer, new(occurred_at=at("2025-04-01", 0)))  # just after the period
    # Same period last year: March 2024.
    make(officer, new(occurred_at=at("2024-03-10")))
    make(
        officer,
        new(category="ma-tuy", occurred_at=at("2024-03-31", 23), cleared=True, cleared_at=at("2024-04-05")),
    )
    make(officer, new(occurred_at=at("2024-02-29")))  # before it
    result = domain.counts(areas.get_area(DUC_TRONG), datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    assert (result.current.total, result.current.cleared) == (3, 1)
    assert (result.current.deaths, result.current.injuries) == (1, 2)
    assert (result.previous.start, result.previous.end) == (
        datetime.date(2024, 3, 1),
        datetime.date(2024, 3, 31),
    )
    assert (result.previous.total, result.previous.cleared) == (2, 1)
    assert result.change == 1 and result.change_percent == 50.0
    rows = {r.code: (r.total, r.cleared, r.previous_total, r.previous_cleared) for r in result.rows}
    assert rows == {"trom-cap": (2, 1, 1, 0), "danh-nhau": (1, 0, 0, 0), "ma-tuy": (0, 0, 1, 1)}
    province = domain.counts(areas.get_area(LAM_DONG), datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    assert province.current.total == 4
    assert (
        domain.counts(
            areas.get_area(village.code), datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)
        ).current.total
        == 1
    )
    assert domain.counts(None, datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)).current.total == 4


def test_year_earlier_and_period_checks() -> None:
    assert domain.year_earlier(datetime.date(2024, 2, 29)) == datetime.date(2023, 2, 28)
    assert domain.year_earlier(datetime.date(2025, 11, 22)) == datetime.date(2024, 11, 22)
    with pytest.raises(domain.IncidentError):
        domain.counts(None, datetime.date(2025, 3, 2), datetime.date(2025, 3, 1))


# --- domain: taxonomy ---------------------------------------------------------------------------------


def test_taxonomy_is_edited_by_administrators_only(officer: Any, admin: Any, make_user: Any) -> None:
    data = domain.CategoryInput(code="trom-cho", name="Trộm cắp ở chợ", group="Tội phạm về trật tự xã hội")
    for user in (officer, make_user("commune_leader", DUC_TRONG), make_user("province_analyst", LAM_DONG)):
        with pytest.raises(domain.IncidentForbidden):
            domain.create_category(user, data)
    # an administrator over one province only is not enough: the taxonomy is national
    with pytest.raises(domain.IncidentForbidden):
        domain.create_category(make_user("admin", LAM_DONG), data)
    category = domain.create_category(admin, data)
    assert category.active and category.code == "trom-cho"
    category = domain.update_category(
        admin, category, domain.CategoryInput(code="trom-cho", name="Trộm ở chợ")
    )
    assert category.name == "Trộm ở chợ" and category.group == ""
    with pytest.raises(domain.IncidentForbidden):
        domain.deactivate_category(officer, category)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (domain.CategoryInput(code="Trộm Cắp", name="x"), "code"),
        (domain.CategoryInput(code="trom-cap", name="x"), "code"),
        (domain.CategoryInput(code="", name="x"), "code"),
        (domain.CategoryInput(code="moi", name=""), "name"),
        (domain.CategoryInput(code="moi", name="x", parent="khong-co"), "parent"),
        (domain.CategoryInput(code="moi", name="x", order=-1), "order"),
    ],
)
def test_category_validation(admin: Any, data: domain.CategoryInput, field: str) -> None:
    with pytest.raises(domain.IncidentError) as e:
        domain.create_category(admin, data)
    assert e.value.field == field and e.value.message


def test_taxonomy_has_two_levels_and_used_categories_are_kept(officer: Any, admin: Any) -> None:
    child = domain.create_category(
        admin, domain.CategoryInput(code="trom-xe", name="Trộm xe", parent="trom-cap")
    )
    with pytest.raises(domain.IncidentError) as e:
        domain.create_category(
            admin, domain.CategoryInput(code="trom-xe-dap", name="Trộm xe đạp", parent="trom-xe")
        )
    assert e.value.field == "parent"
    parent = CrimeCategory.objects.get(code="trom-cap")
    with pytest.raises(domain.IncidentError):
        domain.update_category(
            admin, parent, domain.CategoryInput(code="trom-cap", name="Trộm", parent="khac")
        )
    domain.create_incident(officer, new(category=child.code))
    with pytest.raises(domain.IncidentError):
        domain.delete_category(admin, child)  # in use: deactivate instead
    with pytest.raises(domain.IncidentError) as e:
        domain.update_category(admin, child, domain.CategoryInput(code="trom-xe-may", name="Trộm xe máy"))
    assert e.value.field == "code"
    domain.deactivate_category(admin, child)
    child.refresh_from_db()
    assert not child.active and child.incidents.count() == 1
    unused = domain.create_category(admin, domain.CategoryInput(code="go-nham", name="Gõ nhầm"))
    domain.delete_category(admin, unused)
    assert not CrimeCategory.objects.filter(code="go-nham").exists()


# --- API ----------------------------------------------------------------------------------------------


def test_api_create_validation_is_problem_details(client: Any, officer: Any, api_token: Any) -> None:
    auth = bearer(api_token(officer))
    body = {
        "category": "trom-cap",
        "occurred_at": ago(days=-1).isoformat(),
        "commune": DUC_TRONG,
        "summary": "Mất trộm điện thoại",
    }
    r = client.post("/api/v1/incidents", body, content_type="application/json", **auth)
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert "tương lai" in r.json()["detail"]
    assert r.json()["errors"][0]["field"] == "occurred_at"
    r = client.post(
        "/api/v1/incidents",
        {**body, "occurred_at": ago(days=1).isoformat(), "suspects": -2},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 422 and "Số đối tượng" in r.json()["detail"]
    r = client.post("/api/v1/incidents", {"category": "trom-cap"}, content_type="application/json", **auth)
    assert r.status_code == 422 and r.json()["detail"].startswith("Dữ liệu gửi lên không hợp lệ")
    r = client.post(
        "/api/v1/incidents",
        {**body, "occurred_at": ago(days=1).isoformat(), "commune": HIEP_THANH},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 403 and r.json()["detail"]
    r = client.post(
        "/api/v1/incidents",
        {**body, "occurred_at": ago(days=1).isoformat(), "deaths": 1},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    created = r.json()
    assert (
        created["commune"] == DUC_TRONG
        and created["deaths"] == 1
        and created["category_name"] == "Trộm cắp tài sản"
    )
    assert client.post("/api/v1/incidents", body, content_type="application/json").status_code == 401


def test_api_list_is_scoped_and_filtered(client: Any, officer: Any, admin: Any, api_token: Any) -> None:
    mine = domain.create_incident(officer, new(occurred_at=at("2025-05-02")))
    cleared = domain.create_incident(
        officer,
        new(category="co-bac", summary="Sòng bạc ở rẫy cà phê", occurred_at=at("2025-06-01"), cleared=True),
    )
    domain.create_incident(admin, new(commune=HIEP_THANH))
    domain.create_incident(admin, new(commune=HOAN_KIEM))
    auth = bearer(api_token(officer))
    r = client.get("/api/v1/incidents", **auth)
    assert r.status_code == 200
    assert {i["id"] for i in r.json()["items"]} == {mine.pk, cleared.pk} and r.json()["count"] == 2
    assert client.get(f"/api/v1/incidents?area={HIEP_THANH}", **auth).status_code == 403
    assert client.get(f"/api/v1/incidents?area={HOAN_KIEM}", **auth).status_code == 403
    assert client.get("/api/v1/incidents?area=nope", **auth).status_code == 404
    ids = lambda q: [i["id"] for i in client.get(f"/api/v1/incidents?{q}", **auth).json()["items"]]  # noqa: E731
    assert ids("cleared=true") == [cleared.pk]
    assert ids("category=co-bac") == [cleared.pk]
    assert ids("q=song bac") == [cleared.pk]
    assert ids("from=2025-05-01&to=2025-05-31") == [mine.pk]
    assert client.get("/api/v1/incidents?category=nope", **auth).status_code == 422
    assert client.get("/api/v1/incidents?from=2025-06-01&to=2025-05-01", **auth).status_code == 422
    assert client.get("/api/v1/incidents?from=yesterday", **auth).status_code == 422
    resident = api_token(make_resident(officer))
    assert client.get("/api/v1/incidents", **bearer(resident)).status_code == 403


def make_resident(_: Any) -> Any:
    from binhyen.accounts import domain as accounts
    from tests.conftest import DEMO_PASSWORD

    return accounts.create_user(
        accounts.NewUser(
            username="dan-thuong",
            password=DEMO_PASSWORD,
            role="resident",
            area_code=DUC_TRONG,
            full_name="Lê Thị Mai",
            phone="0911111111",
        )
    )


def test_api_read_patch_delete(client: Any, officer: Any, admin: Any, api_token: Any, village: Any) -> None:
    incident = domain.create_incident(officer, new())
    other = domain.create_incident(admin, new(commune=HIEP_THANH))
    auth = bearer(api_token(officer))
    url = f"/api/v1/incidents/{incident.pk}"
    assert client.get(url, **auth).json()["summary"] == incident.summary
    assert client.get(f"/api/v1/incidents/{other.pk}", **auth).status_code == 404
    assert (
        client.patch(
            f"/api/v1/incidents/{other.pk}", {"cleared": True}, content_type="application/json", **auth
        ).status_code
        == 404
    )
    r = client.patch(
        url, {"cleared": True, "village": village.code, "victims": 3}, content_type="application/json", **auth
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["cleared"] and body["cleared_at"] and body["village"] == village.code and body["victims"] == 3
    assert body["summary"] == incident.summary and body["suspects"] == 1  # untouched fields kept
    r = client.patch(url, {"latitude": 200, "longitude": 100}, content_type="application/json", **auth)
    assert r.status_code == 422 and "Vĩ độ" in r.json()["detail"]
    r = client.patch(url, {"commune": HOAN_KIEM, "village": None}, content_type="application/json", **auth)
    assert r.status_code == 403
    r = client.patch(url, {"village": None}, content_type="application/json", **auth)
    assert r.status_code == 200 and r.json()["village"] is None
    assert client.delete(url, **auth).status_code == 204
    assert client.get(url, **auth).status_code == 404


def test_api_stats_same_period(client: Any, officer: Any, api_token: Any, make_user: Any) -> None:
    domain.create_incident(
        officer, new(occurred_at=at("2025-03-05"), cleared=True, cleared_at=at("2025-03-06"))
    )
    domain.create_incident(officer, new(category="lua-dao-mang", occurred_at=at("2025-03-20")))
    domain.create_incident(officer, new(occurred_at=at("2024-03-05")))
    auth = bearer(api_token(officer))
    r = client.get(f"/api/v1/incidents/stats?area={DUC_TRONG}&from=2025-03-01&to=2025-03-31", **auth)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["area"] == DUC_TRONG
    assert body["current"]["from"] == "2025-03-01" and body["previous"]["to"] == "2024-03-31"
    assert (body["current"]["total"], body["current"]["cleared"], body["previous"]["total"]) == (2, 1, 1)
    assert body["change"] == 1 and body["change_percent"] == 100.0
    assert {c["code"]: c["previous_total"] for c in body["categories"]} == {"trom-cap": 1, "lua-dao-mang": 0}
    # without an area: everything the user may see
    r = client.get("/api/v1/incidents/stats?from=2025-03-01&to=2025-03-31", **auth)
    assert r.status_code == 200 and r.json()["current"]["total"] == 2
    assert client.get("/api/v1/incidents/stats?from=2025-04-01&to=2025-03-01", **auth).status_code == 422
    assert client.get(f"/api/v1/incidents/stats?area={HOAN_KIEM}", **auth).status_code == 403
    analyst = make_user("province_analyst", LAM_DONG)
    r = client.get("/api/v1/incidents/stats?from=2025-03-01&to=2025-03-31", **bearer(api_token(analyst)))
    assert r.json()["area"] == LAM_DONG and r.json()["current"]["total"] == 2


def test_api_crime_categories(client: Any, officer: Any, admin: Any, api_token: Any) -> None:
    r = client.get("/api/v1/crime-categories")
    assert r.status_code == 200
    codes = [c["code"] for c in r.json()]
    assert codes[0] == "trom-cap" and "khac" in codes
    body = {"code": "trom-cho", "name": "Trộm cắp ở chợ", "parent": "trom-cap"}
    r = client.post(
        "/api/v1/crime-categories", body, content_type="application/json", **bearer(api_token(officer))
    )
    assert r.status_code == 403
    auth = bearer(api_token(admin))
    r = client.post("/api/v1/crime-categories", body, content_type="application/json", **auth)
    assert r.status_code == 201 and r.json()["parent"] == "trom-cap"
    r = client.post("/api/v1/crime-categories", body, content_type="application/json", **auth)
    assert r.status_code == 422 and "đã có" in r.json()["detail"]
    r = client.patch(
        "/api/v1/crime-categories/trom-cho", {"active": False}, content_type="application/json", **auth
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert "trom-cho" not in [c["code"] for c in client.get("/api/v1/crime-categories").json()]
    assert "trom-cho" in [c["code"] for c in client.get("/api/v1/crime-categories?all=true").json()]
    r = client.patch(
        "/api/v1/crime-categories/khong-co", {"name": "x"}, content_type="application/json", **auth
    )
    assert r.status_code == 404


# --- web ----------------------------------------------------------------------------------------------


def test_web_list_is_scoped_with_chart(client: Any, officer: Any, admin: Any) -> None:
    today = timezone.localdate()
    domain.create_incident(officer, new(summary="Trộm gà ở thôn Phú Trung", occurred_at=ago(hours=3)))
    domain.create_incident(officer, new(summary="Trộm chó năm ngoái", occurred_at=ago(days=366)))
    domain.create_incident(admin, new(commune=HIEP_THANH, summary="Vụ ở Hiệp Thạnh"))
    login(client, officer)
    r = client.get("/incidents/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Trộm gà ở thôn Phú Trung" in html and "Vụ ở Hiệp Thạnh" not in html
    assert "incident-compare-data" in html and "chart.umd.min.js" in html
    assert f'value="{today.replace(month=1, day=1).isoformat()}"' in html  # defaults to this year so far
    # the nav entry
    assert 'href="/incidents/"' in html
    r = client.get(f"/incidents/?area={HIEP_THANH}")
    assert r.status_code == 403
    r = client.get(
        f"/incidents/?area={DUC_TRONG}&from=hôm qua&to=2025-13-45&category=nope&cleared=maybe&page=zz"
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "không hợp lệ" in html and "Không có loại" in html


def test_nav_entry_only_for_readers(client: Any, make_user: Any) -> None:
    login(client, make_user("resident", DUC_TRONG))
    assert 'href="/incidents/"' not in client.get("/").content.decode()
    assert client.get("/incidents/").status_code == 403


def test_web_create_shows_domain_errors_next_to_fields(client: Any, officer: Any) -> None:
    login(client, officer)
    r = client.get("/incidents/new/")
    assert r.status_code == 200 and f'value="{DUC_TRONG}" selected' in r.content.decode()
    base = {
        "category": "danh-nhau",
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "time": "21:30",
        "commune": DUC_TRONG,
        "summary": "Hai nhóm thanh niên ẩu đả trước quán nước.",
        "suspects": "4",
    }
    cases = [
        ({"suspects": "-1"}, "err-suspects", "Số đối tượng"),
        ({"suspects": "hai"}, "err-suspects", "Số đối tượng"),
        ({"date": "32/13/2025"}, "err-date", "không hợp lệ"),
        ({"date": ""}, "err-date", "Hãy nhập ngày"),
        ({"date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()}, "err-date", "tương lai"),
        ({"time": "25:99"}, "err-time", "Giờ"),
        ({"latitude": "abc", "longitude": "108"}, "err-latitude", "Vĩ độ"),
        ({"category": ""}, "err-category", "Hãy chọn loại"),
        ({"commune": HIEP_THANH}, None, None),
        ({"property_damage_vnd": "nhiều"}, "err-property_damage_vnd", "Thiệt hại"),
        ({"cleared": "1", "cleared_date": "2001-01-01"}, "err-cleared_date", "trước ngày xảy ra"),
    ]
    for change, marker, words in cases:
        r = client.post("/incidents/new/", {**base, **change})
        if marker is None:
            assert r.status_code == 403
            continue
        html = r.content.decode()
        assert r.status_code == 422, (change, r.status_code)
        assert f'id="{marker}"' in html and words in html, change
        assert "Hai nhóm thanh niên" in html  # what was typed is kept
    assert not Incident.objects.exists()
    r = client.post("/incidents/new/", {**base, "property_damage_vnd": "1.500.000", "cleared": "1"})
    assert r.status_code == 302
    incident = Incident.objects.get()
    assert r["Location"] == f"/incidents/{incident.pk}/"
    assert incident.property_damage_vnd == 1_500_000 and incident.cleared and incident.suspects == 4
    assert timezone.localtime(incident.occurred_at).strftime("%H:%M") == "21:30"


def test_web_create_from_tip(client: Any, officer: Any, village: Any, make_user: Any) -> None:
    tip = _tip(village)
    login(client, officer)
    r = client.get(f"/incidents/new/?tip={tip.pk}")
    html = r.content.decode()
    assert r.status_code == 200
    assert tip.description in html and f'value="{village.code}" selected' in html
    assert f'name="source_tip" value="{tip.pk}"' in html
    assert "Trần Thị Bình" not in html and "0912345678" not in html
    other = _tip(commune=HIEP_THANH)
    assert client.get(f"/incidents/new/?tip={other.pk}").status_code == 404
    form = {
        "category": "trom-cap",
        "date": timezone.localdate().isoformat(),
        "commune": DUC_TRONG,
        "village": village.code,
        "summary": tip.description,
        "source_tip": str(tip.pk),
    }
    assert client.post("/incidents/new/", form).status_code == 302
    assert Incident.objects.get().source_tip == tip
    r = client.get(f"/incidents/new/?tip={tip.pk}")
    assert f"/incidents/{Incident.objects.get().pk}/" in r.content.decode()  # "already recorded" warning


def test_web_detail_edit_toggle_delete(client: Any, officer: Any, make_user: Any) -> None:
    incident = domain.create_incident(officer, new())
    analyst = make_user("province_analyst", LAM_DONG)
    login(client, analyst)
    r = client.get(f"/incidents/{incident.pk}/")
    assert (
        r.status_code == 200
        and "Mark as cleared" not in r.content.decode()
        and "Đánh dấu" not in r.content.decode()
    )
    assert client.get(f"/incidents/{incident.pk}/edit/").status_code == 403
    assert client.post(f"/incidents/{incident.pk}/cleared/", {"cleared": "1"}).status_code == 403
    login(client, officer)
    r = client.get(f"/incidents/{incident.pk}/edit/")
    assert r.status_code == 200 and incident.summary in r.content.decode()
    values = domain.form_values(domain.incident_data(incident))
    r = client.post(f"/incidents/{incident.pk}/edit/", {**values, "victims": "-4"})
    assert r.status_code == 422 and "Số bị hại" in r.content.decode()
    r = client.post(f"/incidents/{incident.pk}/edit/", {**values, "summary": "Đã thu hồi xe máy bị mất."})
    assert r.status_code == 302
    incident.refresh_from_db()
    assert incident.summary == "Đã thu hồi xe máy bị mất."
    assert client.post(f"/incidents/{incident.pk}/cleared/", {"cleared": "1"}).status_code == 302
    incident.refresh_from_db()
    assert incident.cleared
    assert client.post(f"/incidents/{incident.pk}/cleared/").status_code == 302  # no value: toggles
    incident.refresh_from_db()
    assert not incident.cleared
    assert client.get(f"/incidents/{incident.pk}/delete/").status_code == 405
    assert client.post(f"/incidents/{incident.pk}/delete/").status_code == 302
    assert not Incident.objects.exists()
    assert client.get(f"/incidents/{incident.pk}/").status_code == 404
    assert client.get("/incidents/new/?commune=99999").status_code == 404


def test_web_taxonomy_for_administrators(client: Any, officer: Any, admin: Any) -> None:
    login(client, officer)
    assert client.get("/incidents/categories/").status_code == 403
    assert client.post("/incidents/categories/", {"code": "moi", "name": "Mới"}).status_code == 403
    login(client, admin)
    r = client.get("/incidents/categories/")
    assert r.status_code == 200 and "Trộm cắp tài sản" in r.content.decode()
    r = client.post("/incidents/categories/", {"code": "Trộm Chợ", "name": "Trộm ở chợ", "order": "15"})
    assert r.status_code == 422 and 'id="add-err-code"' in r.content.decode()
    r = client.post("/incidents/categories/", {"code": "trom-cho", "name": "Trộm ở chợ", "order": "mười"})
    assert r.status_code == 422 and 'id="add-err-order"' in r.content.decode()
    r = client.post(
        "/incidents/categories/",
        {"code": "trom-cho", "name": "Trộm ở chợ", "order": "15", "active": "1", "parent": "trom-cap"},
    )
    assert r.status_code == 302
    assert CrimeCategory.objects.get(code="trom-cho").parent.code == "trom-cap"  # type: ignore[union-attr]
    r = client.post(
        "/incidents/categories/trom-cho/edit/",
        {"code": "trom-cho", "name": "Trộm cắp ở chợ", "order": "15", "active": "1"},
    )
    assert r.status_code == 302 and CrimeCategory.objects.get(code="trom-cho").name == "Trộm cắp ở chợ"
    assert client.post("/incidents/categories/trom-cho/deactivate/").status_code == 302
    assert not CrimeCategory.objects.get(code="trom-cho").active
    assert client.get("/incidents/categories/khong-co/edit/").status_code == 404
