"""/api/v1/awards: awards."""

from ninja import Router

router = Router(tags=["awards"])
