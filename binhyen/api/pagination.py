from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Query, Schema
from pydantic import Field

MAX_LIMIT = 1000


class PageParams(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Số mục tối đa mỗi trang (1–1000)")
    offset: int = Field(0, ge=0, description="Bỏ qua bao nhiêu mục")


def page(qs: QuerySet[Any], params: PageParams, serialise: Any) -> dict[str, Any]:
    return {
        "count": qs.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": [serialise(x) for x in qs[params.offset : params.offset + params.limit]],
    }


__all__ = ["PageParams", "page", "Query"]
