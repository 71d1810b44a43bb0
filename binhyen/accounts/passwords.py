from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
                _("This password was used recently; choose another one."), code="password_reused"
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and getattr(user, "pk", None) and user.password:
            from binhyen.accounts.models import PasswordHistory

            PasswordHistory.objects.create(user=user, password=user.password)

    def get_help_text(self) -> str:
        return _("Do not reuse a recent password.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message our catalogue translates (Django's Vietnamese one lacks it)."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("At least %(min_length)d characters.") % {"min_length": self.min_length}
