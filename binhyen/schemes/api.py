"""/api/v1/schemes: movement schemes (mô hình)."""

from ninja import Router

router = Router(tags=["schemes"])
