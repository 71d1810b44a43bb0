from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from binhyen.accounts import domain


class LockoutModelBackend(ModelBackend):
    """Password login for any Django path, with the same lockout as ours.

    Accounts with two-factor authentication must use the login page, which asks for the code.
    """

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None or password is None:
            return None
        try:
            user = domain.check_credentials(
                username, password, domain.client_ip(request) if request else None
            )
        except domain.LoginError:
            return None
        if domain.totp_required(user):
            return None
        return user
