from __future__ import annotations

from typing import Any

import pytest

from binhyen.api.models import IdempotencyRecord
from binhyen.areas.models import Area
from tests.conftest import DUC_TRONG

pytestmark = pytest.mark.django_db


def test_openapi_document_and_docs_page(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/areas" in schema["paths"] and "/api/v1/auth/token" in schema["paths"]
    assert schema["paths"]["/api/v1/areas"]["get"]["operationId"] == "list_areas"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"openapi.json" in docs.content


def test_validation_errors_are_problem_details_naming_fields(
    client: Any, make_user: Any, api_token: Any
) -> None:
    officer = make_user("commune_officer", DUC_TRONG)
    r = client.post(
        "/api/v1/areas",
        {"parent": DUC_TRONG, "population": "nhiều"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token(officer)}",
    )
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    body = r.json()
    fields = {e["field"] for e in body["errors"]}
    assert {"name", "type", "population"} <= fields
    assert body["detail"].startswith("Dữ liệu gửi lên không hợp lệ")


def test_malformed_json_is_a_problem_not_a_crash(client: Any, make_user: Any, api_token: Any) -> None:
    officer = make_user("commune_officer", DUC_TRONG)
    r = client.post(
        "/api/v1/areas",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token(officer)}",
    )
    assert r.status_code in (400, 422) and r["Content-Type"] == "application/problem+json"


def test_idempotent_retry_is_not_duplicated(client: Any, make_user: Any, api_token: Any) -> None:
    officer = make_user("commune_officer", DUC_TRONG)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(officer)}", "HTTP_IDEMPOTENCY_KEY": "k-123"}
    body = {"parent": DUC_TRONG, "name": "Thôn Tân Hòa", "type": "thôn"}
    first = client.post("/api/v1/areas", body, content_type="application/json", **headers)
    again = client.post("/api/v1/areas", body, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Area.objects.filter(name="Thôn Tân Hòa").count() == 1
    other = client.post(
        "/api/v1/areas", {**body, "name": "Thôn Khác"}, content_type="application/json", **headers
    )
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]
    assert not Area.objects.filter(name="Thôn Khác").exists()


def test_idempotency_keys_are_per_caller(client: Any, make_user: Any, api_token: Any) -> None:
    a, b = make_user("commune_officer", DUC_TRONG), make_user("commune_officer", DUC_TRONG)
    body = {"parent": DUC_TRONG, "name": "Thôn Một", "type": "thôn"}
    for user, name in ((a, "Thôn Một"), (b, "Thôn Hai")):
        r = client.post(
            "/api/v1/areas",
            {**body, "name": name},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {api_token(user)}",
            HTTP_IDEMPOTENCY_KEY="same-key",
        )
        assert r.status_code == 201
    assert IdempotencyRecord.objects.filter(key="same-key").count() == 2


def test_failed_write_with_key_can_be_retried(client: Any, make_user: Any, api_token: Any) -> None:
    officer = make_user("commune_officer", DUC_TRONG)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(officer)}", "HTTP_IDEMPOTENCY_KEY": "k-9"}
    body = {"parent": DUC_TRONG, "name": "Thôn Chín", "type": "thôn"}
    r = client.post("/api/v1/areas", body, content_type="application/json", **headers)
    assert r.status_code == 201
    # A 4xx answer is kept and replayed too: the client sent the same request.
    bad = {"parent": DUC_TRONG, "name": "", "type": "thôn"}
    headers["HTTP_IDEMPOTENCY_KEY"] = "k-10"
    r1 = client.post("/api/v1/areas", bad, content_type="application/json", **headers)
    r2 = client.post("/api/v1/areas", bad, content_type="application/json", **headers)
    assert r1.status_code == r2.status_code == 422 and r1.content == r2.content


def test_unknown_api_path_is_problem_json(client: Any) -> None:
    r = client.get("/api/v1/khong-co")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"


def test_dashboard_api_counts(client: Any, make_user: Any, api_token: Any) -> None:
    from binhyen.areas import domain

    domain.create_village(domain.get_area(DUC_TRONG), domain.VillageInput("Thôn A", "thôn", 1000))
    officer = make_user("commune_officer", DUC_TRONG)
    body = client.get("/api/v1/dashboard", HTTP_AUTHORIZATION=f"Bearer {api_token(officer)}").json()
    assert body["area"] == {"code": DUC_TRONG, "name": "Xã Đức Trọng"}
    assert body["areas"]["villages"] == 1 and body["areas"]["population"] == 1000
    assert body["accounts"]["commune_officer"] == 1
    assert body["top_communes"] == [{"code": DUC_TRONG, "name": "Xã Đức Trọng", "villages": 1}]
