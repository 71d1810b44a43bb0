"""What the movement registries' APIs (outreach, weapons, awards) share: a domain error as a problem, an
area by its code, and the counts for the caller's scope."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar, cast

from django.http import HttpRequest

from binhyen.accounts.permissions import Perm, scope
from binhyen.api.problems import ApiProblem
from binhyen.areas.models import Area

T = TypeVar("T")


class DomainError(Protocol):
    """A registry's rule error: a Vietnamese `message`, the `field` it concerns and its HTTP `status`."""

    message: str
    field: str
    status: int


def problem_from(e: DomainError) -> ApiProblem:
    if e.status == 422:
        return ApiProblem(422, e.message, errors=[{"field": e.field, "message": e.message}])
    return ApiProblem(e.status, e.message)


@contextmanager
def problems(error: type[Exception]) -> Iterator[None]:
    """Turn the registry's `error` raised inside the block into its problem."""
    try:
        yield
    except error as e:
        raise problem_from(cast(DomainError, e)) from None


def area_by_code(code: str) -> Area:
    area = Area.objects.filter(code=code.strip()).select_related("parent").first()
    if area is None:
        raise ApiProblem(404, f"Không có đơn vị hành chính mã «{code}».")
    return area


def scoped_counts(
    request: HttpRequest,
    code: str | None,
    start: datetime.date | None,
    end: datetime.date | None,
    *,
    require_view: Callable[..., None],
    counts: Callable[[Area | None, datetime.date | None, datetime.date | None], T],
    check_period: Callable[[datetime.date | None, datetime.date | None], Any],
    summarise_visible: Callable[[Any, datetime.date | None, datetime.date | None], T],
) -> T:
    """The counts of the area `code`, or else of all the caller may view (one root: that root's counts;
    several: summarise_visible(user, start, end), the sum of what the user may view)."""
    if code:
        area = area_by_code(code)
        require_view(request, area)
        return counts(area, start, end)
    require_view(request)
    roots = scope(request.user, Perm.VIEW_MOVEMENT)
    if roots is None:
        return counts(None, start, end)
    if len(roots) == 1:
        return counts(roots[0], start, end)
    check_period(start, end)
    return summarise_visible(request.user, start, end)
