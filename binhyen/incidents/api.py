"""/api/v1/incidents and /api/v1/crime-categories."""

from ninja import Router

router = Router(tags=["incidents"])
taxonomy_router = Router(tags=["incidents"])
