"""/api/v1/organisations: organisations, members and mediation."""

from ninja import Router

router = Router(tags=["organisations"])
