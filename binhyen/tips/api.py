"""/api/v1/tips, /api/v1/tip-categories and the signed inbound webhook."""

from ninja import Router

router = Router(tags=["tips"])
categories_router = Router(tags=["tips"])
webhook_router = Router(tags=["tips"])
