from __future__ import annotations

from typing import Any


def navigation(request: Any) -> dict[str, Any]:
    return {}
