"""Authorization matrix rows for incidents (API endpoints and web pages). See tests/authz.py."""

from __future__ import annotations

from tests.authz import Endpoint, Page

API: list[Endpoint] = []
PUBLIC_API: dict[str, str] = {}  # name -> path answering 200 to anyone
PUBLIC_API_POST: set[str] = set()  # public writes, tested in their own modules
PAGES: list[Page] = []
PUBLIC_PAGES: set[str] = set()  # pages open to everyone, tested in their own modules
