"""DHIS2 exchange (/api/v1/dataValueSets: JSON, CSV, ADX) and the data set API (/api/v1/datasets)."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.conftest import DUC_TRONG, HIEP_THANH, HOAN_KIEM, LAM_DONG

pytestmark = pytest.mark.django_db

MONTH = "2025P03"
ADX = "{urn:ihe:qrph:adx:2015}"
VALUES = {
    "plans_issued": "3",
    "steering_meetings": "1",
    "mass_tips_received": "12",
    "mass_tips_valuable": "7",
    "offenders_assigned": "2",
    "offenders_progressed": "1",
}


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("commune_officer", DUC_TRONG, username="congan-dt")


def _auth(client: Any, api_token: Any, user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def _set(values: dict[str, str] | None = None, **top: Any) -> dict[str, Any]:
    body = {
        "dataSet": "antq_thang",
        "period": MONTH,
        "orgUnit": DUC_TRONG,
        "dataValues": [{"dataElement": k, "value": v} for k, v in (values or VALUES).items()],
    }
    body.update(top)
    return body


def _post(client: Any, headers: dict[str, str], body: Any, query: str = "", **extra: Any) -> Any:
    return client.post(
        f"/api/v1/dataValueSets{query}", json.dumps(body), content_type="application/json", **headers, **extra
    )


def test_round_trip_json(client: Any, api_token: Any, officer: Any) -> None:
    headers = _auth(client, api_token, officer)
    r = _post(client, headers, _set())
    assert r.status_code == 200, r.content
    summary = r.json()
    assert summary["status"] == "SUCCESS"
    assert summary["importCount"] == {"imported": 6, "updated": 0, "ignored": 0, "deleted": 0}
    assert summary["conflicts"] == []
    r = client.get(f"/api/v1/dataValueSets?dataSet=antq_thang&period={MONTH}&orgUnit={DUC_TRONG}", **headers)
    assert r.status_code == 200, r.content
    data = r.json()
    assert (data["dataSet"], data["period"], data["orgUnit"]) == ("antq_thang", MONTH, DUC_TRONG)
    got = {v["dataElement"]: v["value"] for v in data["dataValues"]}
    assert got == VALUES
    first = data["dataValues"][0]
    assert first["period"] == MONTH and first["orgUnit"] == DUC_TRONG and first["storedBy"] == "congan-dt"
    assert first["created"] and first["lastUpdated"] and "categoryOptionCombo" not in first
    # Sending again updates (same values), nothing is duplicated.
    r = _post(client, headers, _set({"plans_issued": "4"}))
    assert r.json()["importCount"] == {"imported": 0, "updated": 1, "ignored": 0, "deleted": 0}
    r = client.get(f"/api/v1/dataValueSets?dataSet=antq_thang&period={MONTH}&orgUnit={DUC_TRONG}", **headers)
    assert {v["dataElement"]: v["value"] for v in r.json()["dataValues"]}["plans_issued"] == "4"


def test_conflicts_keep_the_good_rows(client: Any, api_token: Any, officer: Any) -> None:
    from binhyen.datasets.models import DataValue

    headers = _auth(client, api_token, officer)
    body = {
        "dataValues": [
            {"dataElement": "plans_issued", "period": MONTH, "orgUnit": DUC_TRONG, "value": "5"},
            {"dataElement": "khong_co", "period": MONTH, "orgUnit": DUC_TRONG, "value": "1"},
            {"dataElement": "plans_issued", "period": "2025P13", "orgUnit": DUC_TRONG, "value": "1"},
            {"dataElement": "plans_issued", "period": "202503", "orgUnit": DUC_TRONG, "value": "1"},
            {"dataElement": "plans_issued", "period": "2099P01", "orgUnit": DUC_TRONG, "value": "1"},
            {"dataElement": "plans_issued", "period": MONTH, "orgUnit": HOAN_KIEM, "value": "1"},
            {"dataElement": "plans_issued", "period": MONTH, "orgUnit": "99999999", "value": "1"},
            {"dataElement": "steering_meetings", "period": MONTH, "orgUnit": DUC_TRONG, "value": "hai"},
            {"dataElement": "steering_meetings", "period": MONTH, "orgUnit": DUC_TRONG, "value": "-2"},
            {"dataElement": "steering_meetings", "period": MONTH, "orgUnit": DUC_TRONG, "value": "1.5"},
            {"dataElement": "steering_meetings", "period": MONTH, "orgUnit": LAM_DONG, "value": "1"},
            {"dataElement": "tips", "period": MONTH, "orgUnit": DUC_TRONG, "value": "1"},
            {"dataElement": "mass_tips_received", "period": MONTH, "orgUnit": DUC_TRONG, "value": 9},
            {"dataElement": "plans_issued", "period": MONTH, "orgUnit": DUC_TRONG, "value": "2",
             "categoryOptionCombo": "nam"},
        ]
    }  # fmt: skip
    r = _post(client, headers, body)
    assert r.status_code == 200, r.content
    summary = r.json()
    assert summary["status"] == "WARNING"
    assert summary["importCount"] == {"imported": 2, "updated": 0, "ignored": 12, "deleted": 0}
    conflicts = {c["indexes"][0]: c for c in summary["conflicts"]}
    assert sorted(conflicts) == list(range(1, 12)) + [13]
    assert conflicts[1]["object"] == "khong_co" and "Không có chỉ tiêu" in conflicts[1]["value"]
    assert "Month 13" in conflicts[2]["value"] or "13" in conflicts[2]["value"]
    assert (
        "không thuộc loại đó" in conflicts[3]["value"] or "không nhập theo loại kỳ" in conflicts[3]["value"]
    )
    assert "chưa bắt đầu" in conflicts[4]["value"]
    assert conflicts[5]["object"] == HOAN_KIEM and "không có quyền" in conflicts[5]["value"]
    assert "Không có đơn vị" in conflicts[6]["value"]
    assert "không phải là số" in conflicts[7]["value"]
    assert "số âm" in conflicts[8]["value"]
    assert "số nguyên" in conflicts[9]["value"]
    assert "không nhập theo loại kỳ" in conflicts[10]["value"]  # a province for a commune's figure
    assert "tính từ sổ sách" in conflicts[11]["value"]
    assert conflicts[13]["object"] == "nam"
    stored = dict(DataValue.objects.values_list("element_code", "value"))
    assert stored == {"plans_issued": 5, "mass_tips_received": 9}


def test_nothing_accepted_is_an_error(client: Any, api_token: Any, officer: Any) -> None:
    headers = _auth(client, api_token, officer)
    r = _post(client, headers, _set({"khong_co": "1"}))
    assert r.status_code == 409
    assert r.json()["status"] == "ERROR" and r.json()["conflicts"]


def test_out_of_scope_only_is_forbidden(client: Any, api_token: Any, officer: Any) -> None:
    headers = _auth(client, api_token, officer)
    r = _post(client, headers, _set(orgUnit=HOAN_KIEM))
    assert r.status_code == 403
    assert r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["detail"] and body["importSummary"]["importCount"]["ignored"] == 6


def test_no_entry_permission(client: Any, api_token: Any, make_user: Any) -> None:
    headers = _auth(client, api_token, make_user("province_analyst", LAM_DONG))
    r = _post(client, headers, _set())
    assert r.status_code == 403 and r["Content-Type"] == "application/problem+json"


def test_old_unit_codes_are_mapped(client: Any, api_token: Any, officer: Any) -> None:
    from binhyen.areas.models import Area, Predecessor

    duc_trong = Area.objects.get(code=DUC_TRONG)
    Predecessor.objects.create(old_code="24961", old_name="Xã Phú Hội (cũ)", successor=duc_trong)
    for code in (DUC_TRONG, HIEP_THANH):
        Predecessor.objects.create(
            old_code="672", old_name="Huyện Đức Trọng", successor=Area.objects.get(code=code)
        )
    headers = _auth(client, api_token, officer)
    body = {
        "dataValues": [
            {"dataElement": "plans_issued", "period": MONTH, "orgUnit": "24961", "value": "2"},
            {"dataElement": "steering_meetings", "period": MONTH, "orgUnit": "672", "value": "1"},
        ]
    }
    summary = _post(client, headers, body).json()
    assert summary["status"] == "WARNING" and summary["importCount"]["imported"] == 1
    (conflict,) = summary["conflicts"]
    assert (
        conflict["object"] == "672"
        and "2 đơn vị mới" in conflict["value"]
        and "Huyện Đức Trọng" in conflict["value"]
    )
    r = client.get(f"/api/v1/dataValueSets?dataSet=antq_thang&period={MONTH}&orgUnit=24961", **headers)
    assert r.status_code == 200
    assert r.json()["orgUnit"] == DUC_TRONG
    assert [(v["orgUnit"], v["value"]) for v in r.json()["dataValues"]] == [(DUC_TRONG, "2")]


def test_csv_import_and_export(client: Any, api_token: Any, officer: Any) -> None:
    headers = _auth(client, api_token, officer)
    text = (
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup\n"
        f"plans_issued,{MONTH},{DUC_TRONG},,,3,someone,2025-03-10,theo sổ,false\n"
        f'"steering_meetings","{MONTH}","{DUC_TRONG}","default","",1\n'
        f"plans_issued,{MONTH},{DUC_TRONG},,,x\n"
    )
    r = client.post("/api/v1/dataValueSets", text, content_type="application/csv", **headers)
    assert r.status_code == 200, r.content
    summary = r.json()
    assert summary["importCount"]["imported"] == 2 and summary["conflicts"][0]["indexes"] == [2]
    r = client.get(
        f"/api/v1/dataValueSets.csv?orgUnit={DUC_TRONG}&period={MONTH}&dataSet=antq_thang", **headers
    )
    assert r.status_code == 200 and r["Content-Type"].startswith("application/csv")
    lines = r.content.decode().splitlines()
    assert (
        lines[0]
        == "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup"
    )
    rows = [line.split(",") for line in lines[1:]]
    assert {(r[0], r[1], r[2], r[5], r[6]) for r in rows} == {
        ("plans_issued", MONTH, DUC_TRONG, "3", "congan-dt"),
        ("steering_meetings", MONTH, DUC_TRONG, "1", "congan-dt"),
    }
    assert next(r for r in rows if r[0] == "plans_issued")[8] == "theo sổ"
    # The same CSV through the Accept header.
    r = client.get(
        f"/api/v1/dataValueSets?orgUnit={DUC_TRONG}&period={MONTH}&dataSet=antq_thang",
        HTTP_ACCEPT="text/csv", **headers,
    )  # fmt: skip
    assert r.content.decode().splitlines()[0].startswith("dataelement,period")


def test_adx_export(client: Any, api_token: Any, officer: Any) -> None:
    headers = _auth(client, api_token, officer)
    _post(client, headers, _set())
    r = client.get(
        f"/api/v1/dataValueSets.adx?orgUnit={DUC_TRONG}&period={MONTH}&dataSet=antq_thang", **headers
    )
    assert r.status_code == 200 and r["Content-Type"].startswith("application/adx+xml")
    root = ET.fromstring(r.content)
    assert root.tag == f"{ADX}adx" and root.get("exported")
    (group,) = root.findall(f"{ADX}group")
    assert group.get("orgUnit") == DUC_TRONG and group.get("dataSet") == "antq_thang"
    assert group.get("period") == "2025-02-15/P1M"  # the police month starts on the 15th
    values = {v.get("dataElement"): v.get("value") for v in group.findall(f"{ADX}dataValue")}
    assert values == VALUES
    r = client.get(
        f"/api/v1/dataValueSets?orgUnit={DUC_TRONG}&period={MONTH}&dataSet=antq_thang",
        HTTP_ACCEPT="application/adx+xml", **headers,
    )  # fmt: skip
    assert ET.fromstring(r.content).tag == f"{ADX}adx"


def test_adx_periods() -> None:
    from binhyen.datasets.dhis2 import adx_period
    from binhyen.stats.periods import parse

    assert adx_period(parse("202101")) == "2021-01-01/P1M"
    assert adx_period(parse("2021Q2")) == "2021-04-01/P3M"
    assert adx_period(parse("2021S2")) == "2021-07-01/P6M"
    assert adx_period(parse("2021")) == "2021-01-01/P1Y"
    assert adx_period(parse("2021P")) == "2020-12-15/P1Y"
    assert adx_period(parse("20210315")) == "2021-03-15/P1D"
    assert adx_period(parse("20210101_20210110")) == "2021-01-01/P10D"


def test_computed_indicators_are_exported(client: Any, api_token: Any, officer: Any) -> None:
    from binhyen.areas.models import Area
    from binhyen.stats import rollup
    from binhyen.weapons.models import WeaponSurrender

    WeaponSurrender.objects.create(
        date=datetime.date(2025, 3, 1), commune=Area.objects.get(code=DUC_TRONG), item_type="homemade_gun",
        quantity=2,
    )  # fmt: skip
    rollup.run()
    headers = _auth(client, api_token, officer)
    r = client.get(f"/api/v1/dataValueSets?orgUnit={DUC_TRONG}&period={MONTH}", **headers)
    assert r.status_code == 200, r.content
    rows = r.json()["dataValues"]
    codes = {v["dataElement"] for v in rows}
    assert "dataset_value" not in codes and "dataset_reports" not in codes
    total = [v for v in rows if v["dataElement"] == "weapons_surrenders" and "categoryOptionCombo" not in v]
    assert [(v["value"], v["orgUnit"], v["period"], v["storedBy"]) for v in total] == [
        ("1", DUC_TRONG, MONTH, "binhyen")
    ]
    by_type = [v for v in rows if v["dataElement"] == "weapons_quantity" and v.get("categoryOptionCombo")]
    assert [(v["categoryOptionCombo"], v["value"]) for v in by_type] == [("homemade_gun", "2")]
    # The province with its communes (children=true): the commune's row is there.
    analyst_headers = _auth(client, api_token, _analyst())
    r = client.get(
        f"/api/v1/dataValueSets?orgUnit={LAM_DONG}&period={MONTH}&children=true&dataElement=weapons_guns",
        **analyst_headers,
    )
    rows = r.json()["dataValues"]
    assert {v["dataElement"] for v in rows} == {"weapons_guns"}
    assert {(v["orgUnit"], v["value"]) for v in rows if v["value"] != "0"} == {
        (LAM_DONG, "2"),
        (DUC_TRONG, "2"),
    }


def _analyst() -> Any:
    from binhyen.accounts import domain

    return domain.create_user(
        domain.NewUser(username="phan-tich", password="Mat-khau-thu-nghiem-2025", role="province_analyst",
                       area_code=LAM_DONG, full_name="Trần Thị B", phone="0912345678")
    )  # fmt: skip


def test_reading_needs_stats_over_the_unit(client: Any, api_token: Any, officer: Any, make_user: Any) -> None:
    headers = _auth(client, api_token, officer)
    r = client.get(f"/api/v1/dataValueSets?orgUnit={HOAN_KIEM}&period={MONTH}", **headers)
    assert r.status_code == 403 and r["Content-Type"] == "application/problem+json"
    leader = make_user("group_leader", DUC_TRONG)
    r = client.get(
        f"/api/v1/dataValueSets?orgUnit={LAM_DONG}&period={MONTH}", **_auth(client, api_token, leader)
    )
    assert r.status_code == 403
    r = client.get(f"/api/v1/dataValueSets?orgUnit={DUC_TRONG}", **headers)
    assert r.status_code == 422 and "period" in r.json()["detail"]
    r = client.get(f"/api/v1/dataValueSets?orgUnit={DUC_TRONG}&period=2025X1", **headers)
    assert r.status_code == 422
    r = client.get(f"/api/v1/dataValueSets?period={MONTH}", **headers)
    assert r.status_code == 422
    assert client.get(f"/api/v1/dataValueSets?orgUnit={DUC_TRONG}&period={MONTH}").status_code == 401


def test_start_and_end_dates(client: Any, api_token: Any, officer: Any) -> None:
    headers = _auth(client, api_token, officer)
    _post(client, headers, _set())
    _post(client, headers, _set(period="2025P04"))
    url = (
        f"/api/v1/dataValueSets?orgUnit={DUC_TRONG}&dataSet=antq_thang"
        "&startDate=2025-02-15&endDate=2025-03-14"
    )
    periods = {v["period"] for v in client.get(url, **headers).json()["dataValues"]}
    assert periods == {MONTH}
    url = url.replace("2025-03-14", "2025-04-14")
    assert {v["period"] for v in client.get(url, **headers).json()["dataValues"]} == {MONTH, "2025P04"}
    # Repeated parameters, as DHIS2 takes them.
    url = (
        f"/api/v1/dataValueSets?orgUnit={DUC_TRONG}&orgUnit={HIEP_THANH}&period={MONTH}&period=2025P04"
        "&dataSet=antq_thang"
    )
    assert client.get(url, **headers).status_code == 403  # Hiệp Thạnh is not the officer's
    data = client.get(url, **_auth(client, api_token, _analyst()))
    assert data.status_code == 200, data.content
    assert {v["period"] for v in data.json()["dataValues"]} == {MONTH, "2025P04"}
    assert "period" not in data.json() and "orgUnit" not in data.json()


def test_dry_run_and_strategies(client: Any, api_token: Any, officer: Any) -> None:
    from binhyen.datasets.models import DataValue, Submission

    headers = _auth(client, api_token, officer)
    r = _post(client, headers, _set(), "?dryRun=true")
    assert r.json()["importCount"]["imported"] == 6 and not DataValue.objects.exists()
    assert not Submission.objects.exists()
    _post(client, headers, _set())
    r = _post(client, headers, _set({"plans_issued": "8"}), "?importStrategy=CREATE")
    assert r.json()["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 0}
    r = _post(client, headers, _set({"plans_issued": "8"}), "?importStrategy=DELETE")
    assert r.json()["importCount"]["deleted"] == 1
    assert not DataValue.objects.filter(element_code="plans_issued").exists()
    r = _post(client, headers, _set({"steering_meetings": ""}))
    assert r.json()["importCount"]["deleted"] == 1
    r = _post(client, headers, _set(), "?importStrategy=BOGUS")
    assert r.status_code == 422


def test_complete_date_submits_the_form(client: Any, api_token: Any, officer: Any) -> None:
    from binhyen.datasets.models import Submission

    headers = _auth(client, api_token, officer)
    bad = _set({**VALUES, "mass_tips_valuable": "20"}, completeDate="2025-03-16")
    summary = _post(client, headers, bad).json()
    assert summary["status"] == "WARNING" and summary["dataSetComplete"] == "false"
    assert "Số tin có giá trị không thể nhiều hơn" in summary["conflicts"][0]["value"]
    assert Submission.objects.get().status == "draft"
    summary = _post(client, headers, _set(completeDate="2025-03-16")).json()
    assert summary["status"] == "SUCCESS" and summary["dataSetComplete"] == "2025-03-16"
    assert Submission.objects.get().status == "submitted"
    # Submitted forms are locked: a later import is refused per row.
    summary = _post(client, headers, _set({"plans_issued": "9"})).json()
    assert summary["status"] == "ERROR" and "chờ cấp trên duyệt" in summary["conflicts"][0]["value"]
    r = client.get(f"/api/v1/dataValueSets?dataSet=antq_thang&period={MONTH}&orgUnit={DUC_TRONG}", **headers)
    assert r.json()["completeDate"]


def test_bad_bodies(client: Any, api_token: Any, officer: Any) -> None:
    headers = _auth(client, api_token, officer)
    r = client.post("/api/v1/dataValueSets", "{nope", content_type="application/json", **headers)
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    r = client.post("/api/v1/dataValueSets", "[]", content_type="application/json", **headers)
    assert r.status_code == 400
    r = client.post("/api/v1/dataValueSets", "<x/>", content_type="application/xml", **headers)
    assert r.status_code == 415
    r = _post(client, headers, {"dataValues": ["chuỗi"]})
    assert r.status_code == 409 and r.json()["conflicts"][0]["indexes"] == [0]


def test_idempotent_import(client: Any, api_token: Any, officer: Any) -> None:
    headers = _auth(client, api_token, officer)
    first = _post(client, headers, _set(), HTTP_IDEMPOTENCY_KEY="nhap-2025-03")
    again = _post(client, headers, _set(), HTTP_IDEMPOTENCY_KEY="nhap-2025-03")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()


# --- the data set API ---------------------------------------------------------------------------------


def test_list_data_sets(client: Any, api_token: Any, officer: Any, make_user: Any) -> None:
    headers = _auth(client, api_token, officer)
    data = client.get("/api/v1/datasets", **headers).json()
    monthly = next(d for d in data if d["code"] == "antq_thang")
    assert monthly["period_kind"] == "police_month" and len(monthly["elements"]) == 6
    assert monthly["rules"][0]["message"]
    assert client.get("/api/v1/datasets/antq_quy", **headers).json()["level"] == 2
    assert client.get("/api/v1/datasets/khong_co", **headers).status_code == 404
    resident = _auth(client, api_token, make_user("resident", DUC_TRONG))
    assert client.get("/api/v1/datasets", **resident).status_code == 403


def test_form_api_flow(client: Any, api_token: Any, officer: Any) -> None:
    from binhyen.datasets.models import Submission

    headers = _auth(client, api_token, officer)
    url = f"/api/v1/datasets/antq_thang/forms/{DUC_TRONG}/{MONTH}"
    form = client.get(url, **headers).json()
    assert form["status"] == "draft" and form["due_date"] == "2025-03-19" and len(form["values"]) == 6
    r = client.put(
        url, {"values": {**VALUES, "plans_issued": "ba"}}, content_type="application/json", **headers
    )
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert problem["errors"][0]["field"] == "plans_issued"
    assert next(v for v in problem["form"]["values"] if v["element"] == "plans_issued")["draft"] == "ba"
    assert Submission.objects.get().draft == {"plans_issued": "ba"}
    r = client.post(url + "/submit", **headers)  # no body: submit what is saved
    assert r.status_code == 422 and "không phải là số nguyên" in r.json()["detail"]
    r = client.post(
        url + "/submit", {"values": {"plans_issued": "3"}}, content_type="application/json", **headers
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted"
    analyst = _auth(client, api_token, _analyst())
    r = client.post(url + "/return", {"reason": ""}, content_type="application/json", **analyst)
    assert r.status_code == 422
    r = client.post(url + "/approve", **analyst)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert [e["action"] for e in r.json()["events"]] == ["saved", "saved", "submitted", "approved"]
    r = client.post(url + "/approve", **analyst)
    assert r.status_code == 409
    r = client.post(
        url + "/return", {"reason": "Cần đối chiếu lại."}, content_type="application/json", **analyst
    )
    assert r.json()["status"] == "returned" and r.json()["return_reason"] == "Cần đối chiếu lại."
    assert client.post(url + "/approve", **headers).status_code == 403  # the commune itself


def test_completeness_api(client: Any, api_token: Any, officer: Any) -> None:
    headers = _auth(client, api_token, officer)
    _post(client, headers, _set(completeDate="2025-03-16"))
    analyst = _auth(client, api_token, _analyst())
    r = client.get(f"/api/v1/datasets/antq_thang/completeness?area={LAM_DONG}&period={MONTH}", **analyst)
    assert r.status_code == 200, r.content
    data = r.json()
    # Submitted today, long after the due date: complete but late.
    assert data["submitted"] == 1 and data["on_time"] == 0 and data["expected"] == len(data["units"])
    mine = next(u for u in data["units"] if u["area"] == DUC_TRONG)
    assert mine["status"] == "submitted"
    assert next(u for u in data["units"] if u["area"] == HIEP_THANH)["status"] == "missing"
    r = client.get(f"/api/v1/datasets/antq_thang/completeness?area={LAM_DONG}", **headers)
    assert r.status_code == 403
