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
    """Browser calls (htmx) reuse the login session; CSRF is checked by ninja.

    Without a session cookie there is no session to protect, so there is nothing to check: an API client
    without cookies falls through to the next authenticator (bearer, or anonymous where allowed) instead
    of being refused for a missing CSRF token.
    """

    def _get_key(self, request: Any) -> Any:
        from django.conf import settings

        if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            return None
        return super()._get_key(request)


bearer = BearerAuth()
session = ActiveSessionAuth()
STAFF_AUTH = [bearer, session]
