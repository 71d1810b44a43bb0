"""Open311 GeoReport v2 at /open311/v2/: every endpoint in JSON and XML, a client's whole flow, bad input
and the protection of tips (nobody lists other people's reports)."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone, translation

from binhyen.tips import domain
from binhyen.tips.models import Category, Channel, Reporter, Status, Tip
from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
DESCRIPTION = "Có người lạ cạy khoá xe máy trước nhà văn hoá thôn lúc 22 giờ."
SECRET_WORDS = "cạy khoá xe máy"


def xml(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8", response["Content-Type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def form(**extra: str) -> dict[str, str]:
    data = {
        "service_code": "trom-cap",
        "description": DESCRIPTION,
        "lat": "11.7351",
        "long": "108.3712",
        "attribute[commune]": DUC_TRONG,
    }
    data.update(extra)
    return data


def post(client: Client, fmt: str = "json", **extra: str) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", form(**extra))


def tip_in(commune: str, **kw: Any) -> Tip:
    return domain.submit(domain.NewTip(category="trom-cap", description=DESCRIPTION, commune=commune, **kw))


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert isinstance(body, list) and len(body) == 1, body
    assert body[0]["code"] == response.status_code
    return dict(body[0])


# --- discovery, services, definitions ---------------------------------------------------------------


def test_discovery_json_and_xml(client: Client) -> None:
    r = client.get(f"{BASE}/discovery.json")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    data = r.json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(data)
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["changeset"] == data["changeset"]

    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    assert root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"


def test_services_are_active_categories(client: Client) -> None:
    Category.objects.filter(code="khac").update(active=False)
    r = client.get(f"{BASE}/services.json")
    assert r.status_code == 200
    services = r.json()
    codes = [s["service_code"] for s in services]
    assert "trom-cap" in codes and "khac" not in codes
    assert len(codes) == Category.objects.filter(active=True).count()
    theft = next(s for s in services if s["service_code"] == "trom-cap")
    assert theft["metadata"] is True and theft["type"] == "realtime"
    assert set(theft) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert theft["service_name"] == Category.objects.get(code="trom-cap").name

    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == codes
    assert root.find("service/metadata") is not None
    assert root.findtext("service/metadata") == "true"


def test_service_definition_common_and_own_attributes(client: Client) -> None:
    Category.objects.filter(code="trom-cap").update(
        attributes=[
            {
                "code": "vehicle",
                "datatype": "singlevaluelist",
                "required": True,
                "description": "Tài sản bị mất",
                "order": 1,
                "values": [{"key": "motorbike", "name": "Xe máy"}, {"key": "car", "name": "Ô tô"}],
            }
        ]
    )
    r = client.get(f"{BASE}/services/trom-cap.json")
    assert r.status_code == 200
    data = r.json()
    assert data["service_code"] == "trom-cap"
    by_code = {a["code"]: a for a in data["attributes"]}
    assert list(by_code)[:4] == ["commune", "village", "occurred_at", "occurred_text"]
    commune = by_code["commune"]
    assert commune["required"] is True and commune["datatype"] == "string" and commune["variable"] is True
    assert "mã xã/phường" in commune["datatype_description"].lower()
    assert by_code["village"]["required"] is False
    assert by_code["occurred_at"]["datatype"] == "datetime"
    assert "khoảng" in by_code["occurred_text"]["datatype_description"]
    for attribute in data["attributes"]:
        assert {
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
        } <= set(attribute)
    vehicle = by_code["vehicle"]
    assert vehicle["values"] == [{"key": "motorbike", "name": "Xe máy"}, {"key": "car", "name": "Ô tô"}]
    assert vehicle["order"] > by_code["occurred_text"]["order"]
    assert "values" not in commune

    root = xml(client.get(f"{BASE}/services/trom-cap.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "trom-cap"
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes][:4] == [
        "commune",
        "village",
        "occurred_at",
        "occurred_text",
    ]
    assert attributes[0].findtext("required") == "true"
    values = root.findall("attributes/attribute/values/value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [
        ("motorbike", "Xe máy"),
        ("car", "Ô tô"),
    ]


def test_unknown_service_is_404_error_array(client: Client) -> None:
    r = client.get(f"{BASE}/services/khong-co.json")
    assert r.status_code == 404
    assert "khong-co" in error_of(r)["description"]
    r = client.get(f"{BASE}/services/khong-co.xml")
    root = xml(r)
    assert r.status_code == 404 and root.tag == "errors"
    assert root.findtext("error/code") == "404" and root.findtext("error/description")


def test_unknown_format_and_paths(client: Client) -> None:
    for path in ("services.csv", "discovery.yaml", "requests.html", "services", "nothing/here"):
        r = client.get(f"{BASE}/{path}")
        assert r.status_code == 404, path
        assert r["Content-Type"] == "application/json"
        assert error_of(r)["description"]


def test_wrong_method_is_405(client: Client) -> None:
    for path in ("discovery.json", "services.json", "services/trom-cap.json", "tokens/ABCD.json"):
        r = client.post(f"{BASE}/{path}", {})
        assert r.status_code == 405, path
        assert r["Allow"] == "GET"
        assert error_of(r)["code"] == 405
    r = client.delete(f"{BASE}/requests.xml")
    assert r.status_code == 405 and r["Allow"] == "GET, POST"
    assert xml(r).findtext("error/code") == "405"
    tip = tip_in(DUC_TRONG)
    assert client.put(f"{BASE}/requests/{tip.tracking_code}.json").status_code == 405


# --- the whole client flow --------------------------------------------------------------------------


def test_client_flow_discover_post_follow_and_decision(client: Client, make_user: Callable[..., Any]) -> None:
    endpoint = client.get(f"{BASE}/discovery.json").json()["endpoints"][0]
    base = endpoint["url"].removeprefix("http://testserver")
    service = client.get(f"{base}/services.json").json()[0]
    definition = client.get(f"{base}/services/{service['service_code']}.json").json()
    required = [a["code"] for a in definition["attributes"] if a["required"]]
    assert required == ["commune"]

    r = client.post(
        f"{base}/requests.json",
        {
            "jurisdiction_id": LAM_DONG,
            "service_code": service["service_code"],
            "lat": "11.7351",
            "long": "108.3712",
            "address_string": "Trước nhà văn hoá thôn 5",
            "description": DESCRIPTION,
            "attribute[commune]": DUC_TRONG,
            "attribute[occurred_text]": "khoảng 22 giờ tối thứ Bảy",
            "attribute[occurred_at]": "2025-07-01T21:30:00+07:00",
            "device_id": "abc-123",
            "account_id": "acc-9",
        },
    )
    assert r.status_code == 201, r.content
    created = r.json()
    assert len(created) == 1
    code = created[0]["service_request_id"]
    assert created[0]["token"] == code
    assert created[0]["account_id"] == "acc-9"
    assert code in created[0]["service_notice"] and "theo dõi" in created[0]["service_notice"]

    tip = Tip.objects.get(tracking_code=code)
    assert tip.channel == Channel.OPEN311 and tip.anonymous
    assert tip.commune.code == DUC_TRONG
    assert tip.address == "Trước nhà văn hoá thôn 5"
    assert (tip.latitude, tip.longitude) == (11.7351, 108.3712)
    assert tip.occurred_text == "khoảng 22 giờ tối thứ Bảy"
    assert tip.occurred_at == datetime.datetime(2025, 7, 1, 14, 30, tzinfo=datetime.UTC)
    assert tip.entered_by is None
    assert not Reporter.objects.filter(tip=tip).exists()
    assert "abc-123" not in str(tip.attributes)

    followed = client.get(f"{base}/requests/{code}.json")
    assert followed.status_code == 200
    [record] = followed.json()
    assert record["service_request_id"] == code
    assert record["status"] == "open"
    assert record["service_code"] == "trom-cap"
    assert record["agency_responsible"] == "Công an xã Đức Trọng"
    assert record["requested_datetime"].endswith("+07:00")
    assert set(record) == {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "requested_datetime",
        "updated_datetime",
        "agency_responsible",
    }
    # What people type: lower case, no dashes.
    assert client.get(f"{base}/requests/{code.replace('-', '').lower()}.json").status_code == 200

    tokens = client.get(f"{base}/tokens/{code}.json")
    assert tokens.status_code == 200
    assert tokens.json() == [{"service_request_id": code, "token": code}]
    root = xml(client.get(f"{base}/tokens/{code}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == code and root.findtext("request/token") == code

    officer = make_user("commune_officer", DUC_TRONG)
    domain.decide(officer, tip, "forwarded", "Chuyển Cơ quan CSĐT Công an tỉnh để điều tra.")
    domain.add_note(
        officer, Tip.objects.get(pk=tip.pk), "Đã chuyển hồ sơ, cảm ơn bạn đã báo tin.", public=True
    )
    [record] = client.get(f"{base}/requests/{code}.json").json()
    assert record["status"] == "closed"
    assert "Đã chuyển hồ sơ, cảm ơn bạn đã báo tin" in record["status_notes"]
    with translation.override("vi"):
        assert str(Status.FORWARDED.label) in record["status_notes"]
    assert "CSĐT" not in record["status_notes"]  # the decision's reason is internal

    root = xml(client.get(f"{base}/requests/{code}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/status") == "closed"
    assert root.findtext("request/service_request_id") == code
    assert root.find("request/description") is None


def test_post_needs_no_csrf_token_nor_session() -> None:
    client = Client(enforce_csrf_checks=True)
    r = post(client)
    assert r.status_code == 201, r.content
    assert Tip.objects.get(tracking_code=r.json()[0]["service_request_id"]).entered_by is None


def test_xml_never_carries_invalid_characters(
    client: Client, make_user: Callable[..., Any], api_token: Callable[[Any], str]
) -> None:
    tip = tip_in(DUC_TRONG, address="Ngõ 3\x0b nhà số 5")
    key = api_token(make_user("commune_officer", DUC_TRONG))
    root = xml(client.get(f"{BASE}/requests/{tip.tracking_code}.xml", {"api_key": key}))
    assert root.findtext("request/address") == "Ngõ 3 nhà số 5"


def test_post_xml_and_identified_reporter(client: Client) -> None:
    r = post(
        client, "xml", first_name="Bình", last_name="Trần Thị", phone="0912 345 678", email="b@example.vn"
    )
    assert r.status_code == 201
    root = xml(r)
    assert root.tag == "service_requests"
    code = root.findtext("request/service_request_id")
    assert code and root.findtext("request/token") == code
    assert root.find("request/account_id") is not None
    tip = Tip.objects.get(tracking_code=code)
    assert not tip.anonymous
    assert Reporter.objects.filter(tip=tip).exists()
    # Nothing about the reporter is readable in clear anywhere in the tip.
    assert "0912345678" not in str(Tip.objects.filter(pk=tip.pk).values().first())


def test_post_multipart_address_id_village_and_media_url(client: Client) -> None:
    from binhyen.areas import domain as areas

    commune = areas.get_area(DUC_TRONG)
    [village] = areas.create_villages(commune, [areas.VillageInput(name="Thôn Mở Rộng 9", type="village")])
    r = client.post(
        f"{BASE}/requests.json",
        {
            "service_code": "trom-cap",
            "description": DESCRIPTION,
            "address_id": village.code,
            "media_url": "https://example.vn/anh.jpg",
        },
    )  # the test client sends multipart/form-data; no commune: the village says where
    assert r.status_code == 201, r.content
    tip = Tip.objects.get(tracking_code=r.json()[0]["service_request_id"])
    assert tip.village == village and tip.commune.code == DUC_TRONG
    assert tip.attachments.get().url == "https://example.vn/anh.jpg"


def test_post_custom_attributes_checked_and_kept(client: Client) -> None:
    Category.objects.filter(code="trom-cap").update(
        attributes=[
            {
                "code": "vehicle",
                "datatype": "singlevaluelist",
                "required": True,
                "description": "Tài sản bị mất",
                "values": [{"key": "motorbike", "name": "Xe máy"}],
            },
            {"code": "value", "datatype": "number", "required": False, "description": "Giá trị ước tính"},
        ]
    )
    r = post(client)
    assert r.status_code == 400 and "attribute[vehicle]" in error_of(r)["description"]
    r = post(client, **{"attribute[vehicle]": "tau-bay"})
    assert r.status_code == 400 and "tau-bay" in error_of(r)["description"]
    r = post(client, **{"attribute[vehicle]": "motorbike", "attribute[value]": "nhiều"})
    assert r.status_code == 400 and "attribute[value]" in error_of(r)["description"]
    r = post(client, **{"attribute[vehicle]": "motorbike", "attribute[value]": "15000000"})
    assert r.status_code == 201
    tip = Tip.objects.get(tracking_code=r.json()[0]["service_request_id"])
    assert tip.attributes == {"vehicle": "motorbike", "value": "15000000"}


def test_commune_resolved_from_address_in_jurisdiction(client: Client) -> None:
    data = form(jurisdiction_id=LAM_DONG, address_string="Thôn 5, Xã Đức Trọng, Lâm Đồng")
    del data["attribute[commune]"]
    r = client.post(f"{BASE}/requests.json", data)
    assert r.status_code == 201, r.content
    assert Tip.objects.get(tracking_code=r.json()[0]["service_request_id"]).commune.code == DUC_TRONG


def test_staff_key_records_who_entered_and_skips_rate_limit(
    client: Client, make_user: Callable[..., Any], api_token: Callable[[Any], str]
) -> None:
    officer = make_user("commune_officer", DUC_TRONG)
    key = api_token(officer)
    with override_settings(TIP_RATE_LIMIT=1):
        for _ in range(3):
            r = post(client, api_key=key)
            assert r.status_code == 201, r.content
    tip = Tip.objects.get(tracking_code=r.json()[0]["service_request_id"])
    assert tip.entered_by == officer and tip.channel == Channel.OPEN311


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "names"),
    [
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "khong-co"}, 404, "service_code"),
        ({"lat": "", "long": ""}, 400, "address_string"),
        ({"lat": "mười một"}, 400, "lat"),
        ({"lat": "95", "long": "108"}, 400, "lat"),
        ({"long": ""}, 400, "long"),
        ({"attribute[commune]": "99999"}, 400, "attribute[commune]"),
        ({"attribute[commune]": ""}, 400, "attribute[commune]"),
        ({"attribute[commune]": HOAN_KIEM, "jurisdiction_id": LAM_DONG}, 400, "jurisdiction_id"),
        ({"jurisdiction_id": "999"}, 400, "jurisdiction_id"),
        ({"description": "ngắn"}, 400, "description"),
        ({"attribute[occurred_at]": "hôm qua"}, 400, "attribute[occurred_at]"),
        ({"attribute[village]": "0000000"}, 400, "attribute[village]"),
        ({"email": "khong-phai-email"}, 400, "email"),
        ({"media_url": "ftp://x"}, 400, "media_url"),
        ({"api_key": "by_sai"}, 403, "api_key"),
    ],
)
def test_malformed_post(client: Client, change: dict[str, str], status: int, names: str) -> None:
    data = form()
    for key, value in change.items():
        if value:
            data[key] = value
        else:
            data.pop(key, None)
    r = client.post(f"{BASE}/requests.json", data)
    assert r.status_code == status, r.content
    assert names in error_of(r)["description"]
    assert not Tip.objects.exists()
    r = client.post(f"{BASE}/requests.xml", data)
    root = xml(r)
    assert r.status_code == status and root.findtext("error/code") == str(status)
    assert names in (root.findtext("error/description") or "")


def test_anonymous_posts_are_rate_limited(client: Client) -> None:
    with override_settings(TIP_RATE_LIMIT=2, TIP_RATE_WINDOW_SECONDS=600):
        assert post(client).status_code == 201
        assert post(client).status_code == 201
        r = post(client)
        assert r.status_code == 429
        assert error_of(r)["code"] == 429
        other = Client(REMOTE_ADDR="10.0.0.9")
        assert post(other).status_code == 201
    assert Tip.objects.count() == 3


def test_bad_api_key_on_reads_is_403(client: Client) -> None:
    tip = tip_in(DUC_TRONG)
    r = client.get(f"{BASE}/requests.json", {"api_key": "by_khong-hop-le"})
    assert r.status_code == 403 and "api_key" in error_of(r)["description"]
    r = client.get(f"{BASE}/requests/{tip.tracking_code}.xml", {"api_key": "by_khong-hop-le"})
    assert r.status_code == 403 and xml(r).findtext("error/code") == "403"


def test_unknown_request_and_token_are_404(client: Client) -> None:
    for path in ("requests/ABCD-EFGH-JKMN.json", "requests/khong-co.json", "tokens/ABCDEFGHJKMN.json"):
        r = client.get(f"{BASE}/{path}")
        assert r.status_code == 404, path
        assert error_of(r)["description"]
    r = client.get(f"{BASE}/requests/ABCD-EFGH-JKMN.xml")
    assert r.status_code == 404 and xml(r).tag == "errors"


def test_bad_search_parameters(
    client: Client, make_user: Callable[..., Any], api_token: Callable[[Any], str]
) -> None:
    key = api_token(make_user("commune_officer", DUC_TRONG))
    for params, name in (
        ({"status": "pending"}, "status"),
        ({"start_date": "hôm qua"}, "start_date"),
        ({"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"}, "90"),
        ({"start_date": "2025-06-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"}, "end_date"),
        ({"per_page": "5000"}, "per_page"),
        ({"jurisdiction_id": "xx"}, "jurisdiction_id"),
    ):
        r = client.get(f"{BASE}/requests.json", {"api_key": key, **params})
        assert r.status_code == 400, params
        assert name in error_of(r)["description"]


# --- protection -------------------------------------------------------------------------------------


def test_anonymous_list_shows_only_named_requests_without_contents(client: Client) -> None:
    mine = tip_in(DUC_TRONG, address="Số 12 đường Hai Bà Trưng", latitude=11.7, longitude=108.3)
    other = tip_in(DUC_TRONG)
    tip_in(HOAN_KIEM, anonymous=False, reporter_name="Lê Văn Cường", reporter_phone="0987654321")

    r = client.get(f"{BASE}/requests.json")
    assert r.status_code == 200 and r.json() == []
    r = client.get(f"{BASE}/requests.json", {"service_code": "trom-cap", "status": "open"})
    assert r.json() == []
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests" and len(root) == 0

    r = client.get(f"{BASE}/requests.json", {"service_request_id": f"{mine.tracking_code},ZZZZ-ZZZZ-ZZZZ"})
    records = r.json()
    assert [x["service_request_id"] for x in records] == [mine.tracking_code]
    assert r["Cache-Control"] == "no-store"
    body = r.content.decode()
    for secret in (SECRET_WORDS, "Hai Bà Trưng", "11.7", "108.3", "description", "address", "lat", "long"):
        assert secret not in body, secret
    assert other.tracking_code not in body

    root = xml(client.get(f"{BASE}/requests.xml", {"service_request_id": mine.tracking_code}))
    assert [e.findtext("service_request_id") for e in root.findall("request")] == [mine.tracking_code]
    assert root.find("request/description") is None and root.find("request/lat") is None


def test_staff_key_lists_its_area_with_contents(
    client: Client, make_user: Callable[..., Any], api_token: Callable[[Any], str]
) -> None:
    here = tip_in(DUC_TRONG, address="Số 12 đường Hai Bà Trưng", latitude=11.7351, longitude=108.3712)
    closed = tip_in(DUC_TRONG, anonymous=False, reporter_name="Lê Văn Cường", reporter_phone="0987654321")
    neighbour = tip_in(HIEP_THANH)
    far = tip_in(HOAN_KIEM)
    officer = make_user("commune_officer", DUC_TRONG)
    domain.decide(officer, closed, "unfounded", "Đã xác minh, không có sự việc.")
    key = api_token(officer)

    r = client.get(f"{BASE}/requests.json", {"api_key": key})
    assert r.status_code == 200
    records = {x["service_request_id"]: x for x in r.json()}
    assert set(records) == {here.tracking_code, closed.tracking_code}
    record = records[here.tracking_code]
    assert record["description"] == DESCRIPTION
    assert record["address"] == "Số 12 đường Hai Bà Trưng"
    assert (record["lat"], record["long"]) == (11.7351, 108.3712)
    body = r.content.decode()
    assert "Lê Văn Cường" not in body and "0987654321" not in body and "reporter" not in body

    # Filters: status, service_code, dates, ids (ids override the others), paging.
    only = client.get(f"{BASE}/requests.json", {"api_key": key, "status": "closed"}).json()
    assert [x["service_request_id"] for x in only] == [closed.tracking_code]
    assert only[0]["status"] == "closed"
    assert client.get(f"{BASE}/requests.json", {"api_key": key, "service_code": "ma-tuy"}).json() == []
    past = (timezone.now() - datetime.timedelta(days=30)).isoformat()
    older = (timezone.now() - datetime.timedelta(days=60)).isoformat()
    assert (
        client.get(f"{BASE}/requests.json", {"api_key": key, "start_date": older, "end_date": past}).json()
        == []
    )
    assert len(client.get(f"{BASE}/requests.json", {"api_key": key, "start_date": past}).json()) == 2
    ids = f"{here.tracking_code},{neighbour.tracking_code},{far.tracking_code}"
    by_id = client.get(
        f"{BASE}/requests.json", {"api_key": key, "service_request_id": ids, "status": "closed"}
    )
    assert [x["service_request_id"] for x in by_id.json()] == [here.tracking_code]
    page = client.get(f"{BASE}/requests.json", {"api_key": key, "per_page": "1", "page": "2"}).json()
    assert len(page) == 1

    root = xml(client.get(f"{BASE}/requests.xml", {"api_key": key}))
    assert len(root.findall("request")) == 2
    assert {e.findtext("description") for e in root.findall("request")} == {DESCRIPTION}

    # One request: full record inside the area; outside it only the public view.
    [inside] = client.get(f"{BASE}/requests/{here.tracking_code}.json", {"api_key": key}).json()
    assert inside["description"] == DESCRIPTION
    [outside] = client.get(f"{BASE}/requests/{far.tracking_code}.json", {"api_key": key}).json()
    assert "description" not in outside and outside["agency_responsible"] == "Công an phường Hoàn Kiếm"


def test_key_without_tip_rights_gets_the_public_answer(
    client: Client, make_user: Callable[..., Any], api_token: Callable[[Any], str]
) -> None:
    tip = tip_in(DUC_TRONG)
    analyst = make_user("province_analyst", LAM_DONG)
    key = api_token(analyst)
    assert client.get(f"{BASE}/requests.json", {"api_key": key}).json() == []
    [record] = client.get(
        f"{BASE}/requests.json", {"api_key": key, "service_request_id": tip.tracking_code}
    ).json()
    assert "description" not in record
