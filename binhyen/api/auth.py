from __future__ import annotations

from typing import Any

from ninja.security import HttpBearer, SessionAuth


class BearerAuth(HttpBearer):
    def authenticate(self, request: Any, token: str) -> Any:
        from binhyen.accounts import domain

        user = domain.user_for_token(token)
        if user is not None:
            request.user = user  # so the permission layer and the audit log see one kind of request
        return user


class ActiveSessionAuth(SessionAuth):
    """Browser calls (htmx) reuse the login session; CSRF is checked by ninja."""


bearer = BearerAuth()
session = ActiveSessionAuth()
STAFF_AUTH = [bearer, session]
