"""Weapons, explosives and support tools handed in (thu hồi vũ khí, vật liệu nổ, công cụ hỗ trợ), e.g. in
«đổi gạo lấy vũ khí» campaigns: what, how many, what was given in exchange, who received it, where.

Personal data kept minimal: the people who hand items in are a count; a name is optional and empty by
default. `area_path` is the village's path (or the commune's), so a province is one range scan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    """The fixed list of item types; labels are the Vietnamese names reports use."""

    MILITARY_GUN = "military_gun", "Súng quân dụng"
    HOMEMADE_GUN = "homemade_gun", "Súng tự chế"
    HUNTING_GUN = "hunting_gun", "Súng săn"
    AIRGUN = "airgun", "Súng hơi (súng bắn đạn chì)"
    AMMUNITION = "ammunition", "Đạn các loại"
    EXPLOSIVES = "explosives", "Vật liệu nổ (thuốc nổ)"
    DETONATORS = "detonators", "Kíp nổ, dây cháy chậm"
    GRENADES = "grenades", "Lựu đạn, mìn, bom, đạn pháo"
    BLADES = "blades", "Dao, kiếm, vũ khí thô sơ"
    SUPPORT_TOOLS = "support_tools", "Công cụ hỗ trợ (dùi cui, roi điện…)"
    FIRECRACKERS = "firecrackers", "Pháo nổ"
    OTHER = "other", "Khác"


# The unit each type is counted in, and whether it may have decimals (weights do).
UNITS: dict[str, tuple[str, bool]] = {
    ItemType.MILITARY_GUN: ("khẩu", False),
    ItemType.HOMEMADE_GUN: ("khẩu", False),
    ItemType.HUNTING_GUN: ("khẩu", False),
    ItemType.AIRGUN: ("khẩu", False),
    ItemType.AMMUNITION: ("viên", False),
    ItemType.EXPLOSIVES: ("kg", True),
    ItemType.DETONATORS: ("cái", False),
    ItemType.GRENADES: ("quả", False),
    ItemType.BLADES: ("cái", False),
    ItemType.SUPPORT_TOOLS: ("cái", False),
    ItemType.FIRECRACKERS: ("kg", True),
    ItemType.OTHER: ("cái", False),
}


class WeaponSurrender(models.Model):
    date = models.DateField(db_index=True)
    commune = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=16, db_index=True, editable=False)
    item_type = models.CharField(max_length=20, choices=ItemType.choices)
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    exchange = models.CharField(max_length=300, blank=True)  # "20 kg gạo", "500.000 đồng"
    rice_kg = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    people = models.PositiveIntegerField(default=1)  # how many people handed the items in
    surrendered_by = models.CharField(max_length=150, blank=True)  # optional, empty by default
    campaign = models.CharField(max_length=200, blank=True)  # "Đổi gạo lấy vũ khí 2022"
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("weapon surrender")
        verbose_name_plural = _("weapon surrenders")
        indexes = [
            models.Index(fields=["area_path", "date"], name="weapon_area_date"),
            models.Index(fields=["item_type", "date"], name="weapon_type_date"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.date:%d/%m/%Y}" if self.date else f"#{self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        place = self.village if self.village_id and self.village else self.commune
        self.area_path = place.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def unit(self) -> str:
        return UNITS.get(self.item_type, ("", False))[0]
