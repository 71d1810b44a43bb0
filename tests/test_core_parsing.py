"""The shared date reader and commune/village lookups that the registries' forms and imports use."""

from __future__ import annotations

import datetime

import pytest

from binhyen.areas import domain as areas
from binhyen.core import parsing
from tests.conftest import DUC_TRONG, HIEP_THANH, LAM_DONG


@pytest.mark.parametrize(
    "text", ["2025-12-25", "25/12/2025", "25-12-2025", "25.12.2025", " 25/12/2025 ", "2025-12-25 00:00:00"]
)
def test_dates_in_the_ways_offices_write_them(text: str) -> None:
    assert parsing.parse_date(text) == datetime.date(2025, 12, 25)


def test_empty_is_none_and_nonsense_names_the_value() -> None:
    assert parsing.parse_date("  ") is None
    with pytest.raises(ValueError, match="Ngày sinh «30/02/2025» không hợp lệ"):
        parsing.parse_date("30/02/2025", "Ngày sinh")


@pytest.mark.django_db
def test_commune_and_village_lookups() -> None:
    duc = areas.get_area(DUC_TRONG)
    assert areas.commune_by_code(f" {DUC_TRONG} ") == duc
    with pytest.raises(areas.AreaError) as missing:
        areas.commune_by_code("", "Hãy chọn xã, phường tiếp nhận.")
    assert (missing.value.message, missing.value.field) == ("Hãy chọn xã, phường tiếp nhận.", "commune")
    with pytest.raises(areas.AreaError, match="không phải mã một xã"):
        areas.commune_by_code(LAM_DONG)  # a province
    village = areas.create_village(duc, areas.VillageInput("Thôn Phú Thạnh", "thôn"))
    assert areas.village_in(duc, village.code) == village
    assert areas.village_in(duc, "") is None
    with pytest.raises(areas.AreaError) as elsewhere:
        areas.village_in(areas.get_area(HIEP_THANH), village.code)
    assert elsewhere.value.field == "village"
