"""Authorization matrix rows for datasets (API and web). See tests/authz.py.

Definitions are listed to every staff role. A commune's form is read by whoever views statistics there
(commune staff, the province analyst) and entered by commune staff (ENTER_DATA); approving and returning
it is the level above's: the province analyst (APPROVE_DATA over the province) and the administrator,
never the commune itself. Completeness of a province: VIEW_STATS over the province. DHIS2 export needs
VIEW_STATS over the org unit, import ENTER_DATA over each row's unit.
"""

from __future__ import annotations

from typing import Any

from tests.authz import (
    AREA_READERS,
    COMMUNE_STAFF,
    STAFF_NO_RESIDENT,
    Endpoint,
    Page,
    _json,
    commune_code,
)
from tests.conftest import HANOI, LAM_DONG

MONTH = "2025P03"
VALUES = {
    "plans_issued": "3",
    "steering_meetings": "1",
    "mass_tips_received": "12",
    "mass_tips_valuable": "7",
    "offenders_assigned": "2",
    "offenders_progressed": "1",
}
APPROVERS = {"province_analyst", "admin"}


def _submitted(where: str) -> str:
    """A submitted monthly form of the commune; returns its path below /datasets/antq_thang/forms/."""
    from decimal import Decimal

    from django.utils import timezone

    from binhyen.areas.models import Area
    from binhyen.datasets import domain

    ds = domain.get_dataset("antq_thang")
    area = Area.objects.get(code=commune_code(where))
    sub = domain.get_or_create_submission(None, ds, area, domain.get_period(ds, MONTH))
    for element in domain.elements_of(ds):
        domain.put_value(sub, element, Decimal(1), None)
    sub.status = "submitted"
    sub.first_submitted_at = sub.submitted_at = timezone.now()
    sub.save()
    return f"{area.code}/{MONTH}"


def _form(where: str) -> str:
    return f"{commune_code(where)}/{MONTH}"


def _province(where: str) -> str:
    return LAM_DONG if where == "inside" else HANOI


def _dvs(where: str) -> dict[str, Any]:
    return _json(
        {
            "dataSet": "antq_thang",
            "period": MONTH,
            "orgUnit": commune_code(where),
            "dataValues": [{"dataElement": k, "value": v} for k, v in VALUES.items()],
        }
    )


API: list[Endpoint] = [
    Endpoint(
        "api:list_datasets",
        "get",
        lambda w, where: ("/api/v1/datasets", {}),
        inside=STAFF_NO_RESIDENT,
        outside=STAFF_NO_RESIDENT,
    ),
    Endpoint(
        "api:get_dataset",
        "get",
        lambda w, where: ("/api/v1/datasets/antq_thang", {}),
        inside=STAFF_NO_RESIDENT,
        outside=STAFF_NO_RESIDENT,
    ),
    Endpoint(
        "api:get_dataset_form",
        "get",
        lambda w, where: (f"/api/v1/datasets/antq_thang/forms/{_form(where)}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:save_dataset_form",
        "put",
        lambda w, where: (f"/api/v1/datasets/antq_thang/forms/{_form(where)}", _json({"values": VALUES})),
        inside=COMMUNE_STAFF,
    ),
    Endpoint(
        "api:submit_dataset_form",
        "post",
        lambda w, where: (
            f"/api/v1/datasets/antq_thang/forms/{_form(where)}/submit",
            _json({"values": VALUES}),
        ),
        inside=COMMUNE_STAFF,
    ),
    Endpoint(
        "api:approve_dataset_form",
        "post",
        lambda w, where: (f"/api/v1/datasets/antq_thang/forms/{_submitted(where)}/approve", {}),
        inside=APPROVERS,
    ),
    Endpoint(
        "api:return_dataset_form",
        "post",
        lambda w, where: (
            f"/api/v1/datasets/antq_thang/forms/{_submitted(where)}/return",
            _json({"reason": "Cần đối chiếu lại số tin có giá trị."}),
        ),
        inside=APPROVERS,
    ),
    Endpoint(
        "api:dataset_completeness",
        "get",
        lambda w, where: (
            f"/api/v1/datasets/antq_thang/completeness?area={_province(where)}&period={MONTH}",
            {},
        ),
        inside=APPROVERS,
    ),
    Endpoint(
        "api:get_data_value_sets",
        "get",
        lambda w, where: (f"/api/v1/dataValueSets?orgUnit={commune_code(where)}&period={MONTH}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:get_data_value_sets_csv",
        "get",
        lambda w, where: (f"/api/v1/dataValueSets.csv?orgUnit={commune_code(where)}&period={MONTH}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:get_data_value_sets_adx",
        "get",
        lambda w, where: (f"/api/v1/dataValueSets.adx?orgUnit={commune_code(where)}&period={MONTH}", {}),
        inside=AREA_READERS,
    ),
    Endpoint(
        "api:import_data_value_sets",
        "post",
        lambda w, where: ("/api/v1/dataValueSets", _dvs(where)),
        inside=COMMUNE_STAFF,
    ),
]
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = set()

PAGES: list[Page] = [
    Page(
        "datasets:index",
        "get",
        lambda w, where: ("/bieu-mau/", {}),
        inside=STAFF_NO_RESIDENT,
        outside=STAFF_NO_RESIDENT,
    ),
    Page(
        "datasets:form",
        "get",
        lambda w, where: (f"/bieu-mau/antq_thang/{_form(where)}/", {}),
        inside=AREA_READERS,
    ),
    Page(
        "datasets:form",
        "post",
        lambda w, where: (
            f"/bieu-mau/antq_thang/{_form(where)}/",
            {"data": {**{f"v-{k}": v for k, v in VALUES.items()}, "action": "submit"}},
        ),
        inside=COMMUNE_STAFF,
        ok=(302,),
    ),
    Page(
        "datasets:approve",
        "post",
        lambda w, where: (f"/bieu-mau/antq_thang/{_submitted(where)}/duyet/", {}),
        inside=APPROVERS,
        ok=(302,),
    ),
    Page(
        "datasets:return",
        "post",
        lambda w, where: (
            f"/bieu-mau/antq_thang/{_submitted(where)}/tra-lai/",
            {"data": {"reason": "Cần đối chiếu lại."}},
        ),
        inside=APPROVERS,
        ok=(302,),
    ),
    Page(
        "datasets:completeness",
        "get",
        lambda w, where: (f"/bieu-mau/antq_thang/tien-do/?area={_province(where)}&period={MONTH}", {}),
        inside=APPROVERS,
    ),
]
PUBLIC_PAGES: set[str] = set()
