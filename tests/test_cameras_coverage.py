"""Camera coverage (per commune / village), its fast grouped version, GeoJSON and Excel exports."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from binhyen.audit.models import AuditEvent
from binhyen.cameras import domain, exports, geo
from binhyen.cameras.coverage import coverage_fast, for_display, summary
from binhyen.cameras.models import Camera, Funding
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db
BACKEND = "binhyen.accounts.backends.LockoutModelBackend"


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG)


@pytest.fixture
def world(officer: Any, make_user: Any) -> dict[str, Any]:
    """Đức Trọng: Thôn A (1,200 people) 2 active + 1 offline; Thôn B (800) 1 active but stale + 1 removed;
    Thôn C (population unknown) none; 1 active camera with no village. Hiệp Thạnh: 1 camera."""
    from binhyen.areas import domain as areas

    duc_trong = areas.get_area(DUC_TRONG)
    a, b, c = areas.create_villages(
        duc_trong,
        [
            areas.VillageInput("Thôn A", "thôn", population=1200),
            areas.VillageInput("Thôn B", "thôn", population=800),
            areas.VillageInput("Thôn C", "thôn"),
        ],
    )
    (h,) = areas.create_villages(areas.get_area(HIEP_THANH), [areas.VillageInput("Thôn H", "thôn")])

    def cam(label: str, village: Any, lat: float, commune: str = DUC_TRONG, **kw: Any) -> Camera:
        return domain.register(
            officer if commune == DUC_TRONG else make_user("commune_officer", commune),
            domain.CameraInput(
                label,
                commune,
                lat,
                108.373,
                consent=True,
                village=village.code if village else "",
                contact_name="Nguyễn Văn Bình",
                contact_phone=f"09{int(lat * 10_000):08d}",
                **kw,
            ),
        )

    cam("A1", a, 11.7301, funding="residents")
    cam("A2", a, 11.7302, funding="budget")
    domain.confirm(officer, cam("A3", a, 11.7303, funding="enterprise"), working=False)
    stale = cam("B1", b, 11.7304, funding="socialised")
    Camera.objects.filter(pk=stale.pk).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=100))
    domain.remove(officer, cam("B2", b, 11.7305, funding="enterprise"))
    cam("X", None, 11.7306)
    cam("H1", h, 11.8, commune=HIEP_THANH)
    return {"duc_trong": duc_trong, "a": a, "b": b, "c": c, "h": h}


def test_coverage_per_village(world: dict[str, Any]) -> None:
    result = domain.coverage(world["duc_trong"])
    rows = {r["area"].name: r for r in result["rows"]}
    a, b, c = rows["Thôn A"], rows["Thôn B"], rows["Thôn C"]
    assert (a["active"], a["offline"], a["removed"], a["stale"]) == (2, 1, 0, 0)
    assert a["by_funding"] == {"residents": 1, "enterprise": 1, "budget": 1, "socialised": 0}
    assert a["per_1000"] == 2.5  # 3 cameras in use / 1,200 people
    assert (b["active"], b["removed"], b["stale"]) == (1, 1, 1)
    assert b["by_funding"] == {"residents": 0, "enterprise": 0, "budget": 0, "socialised": 1}  # removed: not
    assert b["per_1000"] == 1.25
    assert c["per_1000"] is None and (c["villages_covered"], c["villages"]) == (0, 1)
    assert (result["total"]["villages_covered"], result["total"]["villages"]) == (2, 3)
    assert coverage_fast(world["duc_trong"]) == result


def test_coverage_per_commune_and_fast_equals_domain(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from binhyen.areas import domain as areas

    lam_dong = areas.get_area(LAM_DONG)
    slow = domain.coverage(lam_dong)
    with django_assert_max_num_queries(5):
        fast = coverage_fast(lam_dong)
    assert fast == slow
    row = next(r for r in fast["rows"] if r["area"].code == DUC_TRONG)
    assert (row["active"], row["offline"], row["removed"], row["stale"]) == (4, 1, 1, 1)
    assert (row["villages_covered"], row["villages"]) == (2, 3)  # "2/3"
    hiep = next(r for r in fast["rows"] if r["area"].code == HIEP_THANH)
    assert (hiep["active"], hiep["villages_covered"], hiep["villages"]) == (1, 1, 1)
    assert fast["total"]["areas_with_cameras"] == 2
    for village in ("a", "b", "c"):
        assert coverage_fast(world[village]) == domain.coverage(world[village])
    assert summary(coverage_fast(world["duc_trong"]))["in_use"] == 4  # per village: X has none
    shown = for_display(world["duc_trong"])  # plus a row for the cameras without a village
    assert shown["rows"][-1]["area"] is None and shown["rows"][-1]["active"] == 1
    extra = summary(shown)
    assert extra["by_funding"]["enterprise"] == 1 and extra["in_use"] == 5
    assert extra["per_1000"] == round(4 * 1000 / 2000, 2)  # villages with a known population only
    nation = coverage_fast(None)
    assert len(nation["rows"]) == 34 and nation["total"]["active"] == 5


def test_geojson_is_valid_and_has_no_contacts(world: dict[str, Any], officer: Any) -> None:
    data = exports.geojson(domain.in_area(officer, world["duc_trong"]))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 5  # removed left out
    feature = next(f for f in data["features"] if f["properties"]["label"] == "A1")
    assert feature["geometry"] == {"type": "Point", "coordinates": [108.373, 11.7301]}
    props = feature["properties"]
    assert set(props) >= {
        "id", "label", "status", "commune", "village", "direction_deg", "fov_deg", "range_m", "covers",
        "retention_days", "recording", "funding", "last_confirmed_at", "stale",
    }  # fmt: skip
    assert props["village"] == "Thôn A" and props["stale"] is False
    assert (
        next(f for f in data["features"] if f["properties"]["label"] == "B1")["properties"]["stale"] is True
    )
    text = json.dumps(data, ensure_ascii=False)
    assert "Nguyễn Văn Bình" not in text and "0911" not in text
    assert not any(k for k in props if "contact" in k or "owner" in k or "phone" in k)
    streamed = "".join(exports.geojson_stream(domain.in_area(officer, world["duc_trong"])))
    assert json.loads(streamed) == json.loads(json.dumps(data))


def test_export_views_are_audited(client: Any, world: dict[str, Any], officer: Any) -> None:
    from openpyxl import load_workbook

    client.force_login(officer, backend=BACKEND)
    r = client.get(reverse("camera_coverage:export_geojson") + f"?area={DUC_TRONG}")
    assert r.status_code == 200 and r["Content-Type"] == "application/geo+json"
    data = json.loads(b"".join(r.streaming_content))
    assert len(data["features"]) == 5
    r = client.get(reverse("camera_coverage:export_xlsx") + f"?area={DUC_TRONG}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    sheet = wb["Camera"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã", "Tên camera", "Trạng thái") and len(rows) == 6
    assert {row[1] for row in rows[1:]} == {"A1", "A2", "A3", "B1", "X"}
    assert not any("Nguyễn Văn Bình" in str(v) for row in rows for v in row)
    cover = list(wb["Độ phủ"].iter_rows(values_only=True))
    assert [row[0] for row in cover[1:5]] == ["Thôn A", "Thôn B", "Thôn C", "Chưa gắn thôn/tổ"]
    assert cover[-1][0].startswith("Tổng cộng") and cover[-1][2:5] == (4, 1, 1)  # active, offline, removed
    events = AuditEvent.objects.filter(action="export", object_type="cameras.camera").order_by("id")
    assert [(e.detail["format"], e.detail["count"]) for e in events] == [("geojson", 5), ("xlsx", 5)]
    assert all(e.area_path == world["duc_trong"].path and e.actor == officer for e in events)


def test_coverage_page(client: Any, world: dict[str, Any], officer: Any, make_user: Any) -> None:
    client.force_login(officer, backend=BACKEND)
    page = client.get(reverse("camera_coverage:coverage"))  # the officer's home area: Đức Trọng
    html = page.content.decode()
    assert page.status_code == 200 and "Thôn A" in html and "2/3" in html
    assert "camera-funding-data" in html and reverse("camera_coverage:import", args=[DUC_TRONG]) in html
    analyst = make_user("province_analyst", LAM_DONG)
    client.force_login(analyst, backend=BACKEND)
    page = client.get(reverse("camera_coverage:coverage"))
    html = page.content.decode()
    assert page.status_code == 200 and f"?area={DUC_TRONG}" in html  # drill down to the commune
    assert reverse("camera_coverage:export_xlsx") not in html  # counts only
    assert client.get(reverse("camera_coverage:coverage") + f"?area={DUC_TRONG}").status_code == 200
    assert client.get(reverse("camera_coverage:export_xlsx") + f"?area={DUC_TRONG}").status_code == 403
    assert client.get(reverse("camera_coverage:coverage") + f"?area={HOAN_KIEM}").status_code == 403
    assert client.get(reverse("camera_coverage:coverage") + "?area=nope").status_code == 404


def test_officer_of_another_commune_cannot_export(client: Any, world: dict[str, Any], make_user: Any) -> None:
    other = make_user("commune_officer", HIEP_THANH)
    client.force_login(other, backend=BACKEND)
    for name in ("export_geojson", "export_xlsx", "coverage"):
        assert client.get(reverse(f"camera_coverage:{name}") + f"?area={DUC_TRONG}").status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
    r = client.get(reverse("camera_coverage:export_geojson") + f"?area={HIEP_THANH}")
    assert r.status_code == 200 and len(json.loads(b"".join(r.streaming_content))["features"]) == 1
    admin = make_user("admin", None)
    client.force_login(admin, backend=BACKEND)
    assert client.get(reverse("camera_coverage:coverage")).status_code == 200  # the nation
    r = client.get(reverse("camera_coverage:export_geojson"))
    assert r.status_code == 200 and len(json.loads(b"".join(r.streaming_content))["features"]) == 6


def test_demo_cameras(make_user: Any, django_assert_max_num_queries: Any) -> None:
    import random

    from binhyen.areas import domain as areas
    from binhyen.demo import seed, seed_cameras

    seed._villages(random.Random(1))
    resident = make_user("resident", "24958-0001", username="nguoidan")
    officer = make_user("commune_officer", DUC_TRONG)
    steps: list[str] = []

    def progress(items: Any) -> Any:
        steps.extend(items)
        return items

    result = seed_cameras.seed(progress)
    assert steps == list(seed_cameras.COMMUNES)
    duc_trong_district = sum(result["by_commune"][c] for c in ("24958", "24967", "24976", "24985"))
    bao_loc = sum(result["by_commune"][c] for c in ("24823", "24820", "24829"))
    assert duc_trong_district == 1000 and bao_loc == 300 and result["created"] == Camera.objects.count()
    assert seed_cameras.seed() == {"created": 0, "by_commune": {}}  # a second run adds nothing
    statuses = dict(Camera.objects.values_list("status").annotate(n=Count("id")).order_by())
    assert statuses["active"] > 1000 and statuses["offline"] > 50 and 10 < statuses["removed"] < 80
    assert domain.stale(Camera.objects.all()).count() > 50
    assert set(Camera.objects.values_list("funding", flat=True)) == set(Funding.values)
    assert set(Camera.objects.exclude(status="removed").values_list("retention_days", flat=True)) <= set(
        range(7, 31)
    )
    assert Camera.objects.filter(owner=resident).count() == 3
    lam_dong = areas.get_area(LAM_DONG)
    with django_assert_max_num_queries(5):
        province = coverage_fast(lam_dong)
    rows = {r["area"].code: r for r in province["rows"]}
    assert (rows[DUC_TRONG]["villages_covered"], rows[DUC_TRONG]["villages"]) == (11, 11)
    assert (rows["24985"]["villages_covered"], rows["24985"]["villages"]) == (4, 5)
    assert province == domain.coverage(lam_dong)
    for camera in Camera.objects.exclude(status="removed").filter(commune__code=DUC_TRONG)[:50]:
        assert geo.haversine_m(11.735, 108.373, camera.latitude, camera.longitude) < 10_000  # type: ignore[arg-type]
    camera = Camera.objects.filter(commune__code=DUC_TRONG, owner=None).exclude(status="removed").first()
    assert camera is not None
    contact = domain.contact(officer, camera)
    assert contact["name"] and contact["phone"].isdigit() and len(contact["phone"]) == 10


def test_villages_with_cameras_come_from_the_rollups(world: dict[str, Any]) -> None:
    from binhyen.stats import periods, rollup, summary

    rollup.run()
    today = timezone.localdate()
    now = periods.parse(f"{today:%Y%m%d}_{today:%Y%m%d}")
    # Thôn A and Thôn B (B2 removed, B1 still registered); Thôn C has none; H1 is in Hiệp Thạnh.
    assert summary.villages_with_cameras(world["duc_trong"].path, now).value == 2
    assert summary.villages_with_cameras(world["duc_trong"].path[:2], now).value == 3
    before = summary.villages_with_cameras(world["duc_trong"].path, now).last_year
    assert before == 0
