"""/api/v1/outreach: outreach sessions."""

from ninja import Router

router = Router(tags=["outreach"])
