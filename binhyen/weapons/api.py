"""/api/v1/weapons: weapons and explosives collection."""

from ninja import Router

router = Router(tags=["weapons"])
