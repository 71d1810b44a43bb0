"""Shared fixtures. The official units are loaded once per test database and kept (tests roll back)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

os.environ.setdefault("BINHYEN_ENV", "test")

DEMO_PASSWORD = "Mat-khau-thu-nghiem-2025"
# Places from the seeds, under today's units.
LAM_DONG = "68"
DUC_TRONG = "24958"  # Xã Đức Trọng (Lâm Đồng)
HIEP_THANH = "24967"  # Xã Hiệp Thạnh (Lâm Đồng)
HANOI = "01"
HOAN_KIEM = "00070"  # Phường Hoàn Kiếm (Hà Nội)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from binhyen.areas import domain

    with django_db_blocker.unblock():
        domain.load_official_units()


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from binhyen.accounts import domain

    counter = {"n": 0}

    def make(role: str, area_code: str | None = None, username: str | None = None, **extra: Any) -> Any:
        counter["n"] += 1
        return domain.create_user(
            domain.NewUser(
                username=username or f"{role}-{counter['n']}",
                password=DEMO_PASSWORD,
                role=role,
                area_code=area_code,
                full_name=extra.get("full_name", "Nguyễn Văn An"),
                phone=extra.get("phone", "0912345678"),
            )
        )

    return make


@pytest.fixture
def api_token(client: Any) -> Callable[[Any], str]:
    def token_for(user: Any) -> str:
        r = client.post(
            "/api/v1/auth/token",
            {"username": user.username, "password": DEMO_PASSWORD},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
        return str(r.json()["token"])

    return token_for


@pytest.fixture
def units(django_db_blocker: Any) -> None:
    """For transactional tests, which start from an emptied database: load the official units again."""
    from binhyen.areas import domain
    from binhyen.areas.models import Area

    if not Area.objects.exists():
        domain.load_official_units()
    # Rows that data migrations created are gone after a flush too.
    from binhyen.incidents import data as incident_data
    from binhyen.incidents.models import CrimeCategory
    from binhyen.tips.data import categories as tip_categories
    from binhyen.tips.models import Category

    tip_categories.install(Category)
    incident_data.install(CrimeCategory)
    from binhyen.organisations import data as organisation_data
    from binhyen.organisations.models import OrganisationType

    organisation_data.install(OrganisationType)
    from binhyen.schemes import data as scheme_data
    from binhyen.schemes.models import SchemeType

    scheme_data.install(SchemeType)
    from binhyen.assessment import data as assessment_data
    from binhyen.assessment.models import Rubric, RubricItem, RubricSection

    assessment_data.install(Rubric, RubricSection, RubricItem)
    from binhyen.datasets import data as dataset_data
    from binhyen.datasets.models import DataElement, DataSet, DataSetElement, ValidationRule

    dataset_data.install(DataElement, DataSet, DataSetElement, ValidationRule)


from tests.browser import browser_page as browser_page  # noqa: E402  (fixture, shared by browser tests)


def skip_if_postgres_pass_follows() -> None:
    """Tests that start their own PostgreSQL database and server processes do the same work whichever
    database the suite runs on; `make test` runs them once, in its PostgreSQL pass (it sets
    BINHYEN_POSTGRES_PASS_FOLLOWS for the SQLite pass only when a PostgreSQL pass follows)."""
    if os.environ.get("BINHYEN_POSTGRES_PASS_FOLLOWS") and not os.environ.get("DATABASE_URL", "").startswith(
        "postgres"
    ):
        pytest.skip("runs once, in the PostgreSQL pass of make test")
