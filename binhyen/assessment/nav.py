"""Menu entry for assessments (đánh giá, xếp loại, công nhận «An toàn về an ninh, trật tự»)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from binhyen.web.context import nav


def _may_view(user: Any) -> bool:
    from binhyen.assessment.domain import can_view

    return can_view(user)


nav.register(
    "assessment", _("Assessments"), "assessment:list", order=55, check=_may_view, active_for=("assessment:",)
)
