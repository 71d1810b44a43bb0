from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

REMEMBERED = 5


class NotReusedValidator:
    """Refuses the current password and the last few ones."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        old = [user.password] if user.password else []
        old += list(user.password_history.values_list("password", flat=True)[:REMEMBERED])
        if any(check_password(password, h) for h in old if h):
            raise ValidationError(
                "Mật khẩu này đã được dùng gần đây; hãy chọn mật khẩu khác.", code="password_reused"
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and getattr(user, "pk", None) and user.password:
            from binhyen.accounts.models import PasswordHistory

            PasswordHistory.objects.create(user=user, password=user.password)

    def get_help_text(self) -> str:
        return "Không dùng lại mật khẩu gần đây."
