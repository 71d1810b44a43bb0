"""Authorization matrix rows for datasets (API and web). See tests/authz.py."""

from __future__ import annotations

from tests.authz import Endpoint, Page

API: list[Endpoint] = []
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = set()
PAGES: list[Page] = []
PUBLIC_PAGES: set[str] = set()
