"""Authorization matrix rows for operations: the liveness and readiness probes are public (load
balancers call them without an account); they say nothing but ok/fail per check (tests/test_ops.py)."""

from __future__ import annotations

from tests.authz import Endpoint, Page

API: list[Endpoint] = []
PUBLIC_API: dict[str, str] = {}
PUBLIC_API_POST: set[str] = set()
PAGES: list[Page] = []
PUBLIC_PAGES: set[str] = {"ops:healthz", "ops:readyz"}
