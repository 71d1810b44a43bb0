"""A small HTTP client for the channels: JSON POST over kept-alive connections (one per thread and
host), so a sender thread pushing thousands of messages to one gateway does not open a socket each."""

from __future__ import annotations

import http.client
import json
import ssl
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from binhyen.alerts.channels.base import TransportError

_local = threading.local()


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


def _connection(scheme: str, netloc: str, timeout: float) -> http.client.HTTPConnection:
    pool: dict[tuple[str, str], http.client.HTTPConnection] = getattr(_local, "pool", None) or {}
    _local.pool = pool
    conn = pool.get((scheme, netloc))
    if conn is None:
        if scheme == "https":
            conn = http.client.HTTPSConnection(netloc, timeout=timeout, context=ssl.create_default_context())
        elif scheme == "http":
            conn = http.client.HTTPConnection(netloc, timeout=timeout)
        else:
            raise TransportError(f"Địa chỉ không hợp lệ (giao thức {scheme or '?'}).", permanent=True)
        pool[(scheme, netloc)] = conn
    return conn


def _drop(scheme: str, netloc: str) -> None:
    conn = getattr(_local, "pool", {}).pop((scheme, netloc), None)
    if conn is not None:
        conn.close()


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0) -> Response:
    """POST and read the answer. Network errors raise TransportError (retryable); the caller decides
    what an HTTP status means."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    for attempt in (1, 2):
        conn = _connection(parts.scheme, parts.netloc, timeout)
        try:
            conn.request("POST", path, body=body, headers={"Content-Length": str(len(body)), **headers})
            r = conn.getresponse()
            data = r.read()
            result = Response(r.status, data, {k.lower(): v for k, v in r.getheaders()})
            if r.getheader("connection", "").lower() == "close":
                _drop(parts.scheme, parts.netloc)
            return result
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
            # A kept-alive connection the server closed meanwhile: one fresh try.
            _drop(parts.scheme, parts.netloc)
            if attempt == 2:
                raise TransportError(f"Kết nối bị ngắt: {e}") from e
        except (OSError, http.client.HTTPException) as e:
            _drop(parts.scheme, parts.netloc)
            raise TransportError(f"Không kết nối được {parts.netloc}: {e}") from e
    raise TransportError("unreachable")  # pragma: no cover


def post_json(
    url: str, payload: Any, headers: dict[str, str] | None = None, timeout: float = 10.0
) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return post(url, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, timeout)


def check_status(r: Response, what: str) -> None:
    """2xx passes; 429 and 5xx are worth retrying; other 4xx are permanent (bad address or request)."""
    if 200 <= r.status < 300:
        return
    text = r.body[:120].decode(errors="replace")
    raise TransportError(
        f"{what} trả lời HTTP {r.status}: {text}",
        permanent=r.status < 500 and r.status != 429 and r.status != 408,
    )
