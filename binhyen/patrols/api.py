"""/api/v1/patrols: rosters, shifts and patrol logs."""

from ninja import Router

router = Router(tags=["patrols"])
