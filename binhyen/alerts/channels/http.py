"""A small HTTP client for the channels: JSON POST over kept-alive connections (one per thread and
host), so a sender thread pushing thousands of messages to one gateway does not open a socket each.

Addresses that subscribers give (webhook URLs, Web Push endpoints) are `public_only`: in production the
server must not become a way into its own network (a "webhook" at http://10.0.0.5:6379/ or the cloud
metadata address). Such a destination is resolved once, every address it resolves to must be public,
and the connection goes to the address that was checked (no second lookup an attacker could answer
differently). ALERTS_ALLOW_PRIVATE_DESTINATIONS turns this off (on outside production: demo and tests
deliver to loopback).
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from binhyen.alerts.channels.base import TransportError, setting

_local = threading.local()
NOT_PUBLIC = "Địa chỉ nhận không được là địa chỉ nội bộ (mạng riêng, loopback, link-local)."


def private_allowed() -> bool:
    return bool(setting("ALERTS_ALLOW_PRIVATE_DESTINATIONS", True))


def _is_public(ip: str) -> bool:
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def literal_problem(url: str) -> str:
    """At subscription time: a destination that is obviously internal (an IP literal that is not
    public, or localhost), without a DNS lookup. Empty when fine or when private ones are allowed."""
    if private_allowed():
        return ""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return NOT_PUBLIC
    try:
        return "" if _is_public(host) else NOT_PUBLIC
    except ValueError:  # a name: checked when sending, after resolving it
        return ""


def _public_address(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as e:
        raise TransportError(f"Không tìm được địa chỉ {host}: {e}") from e
    addresses = [str(info[4][0]) for info in infos]
    if not addresses or not all(_is_public(a) for a in addresses):
        raise TransportError(NOT_PUBLIC, permanent=True)
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, ip: str, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, ip: str, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


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


def _connection(scheme: str, netloc: str, timeout: float, public_only: bool) -> http.client.HTTPConnection:
    pool: dict[tuple[str, str], http.client.HTTPConnection] = getattr(_local, "pool", None) or {}
    _local.pool = pool
    conn = pool.get((scheme, netloc))
    if conn is None:
        if scheme not in ("http", "https"):
            raise TransportError(f"Địa chỉ không hợp lệ (giao thức {scheme or '?'}).", permanent=True)
        if public_only and not private_allowed():
            parts = urlsplit(f"{scheme}://{netloc}")
            host = parts.hostname or ""
            try:
                port = parts.port or (443 if scheme == "https" else 80)
            except ValueError as e:
                raise TransportError("Địa chỉ không hợp lệ (cổng).", permanent=True) from e
            ip = _public_address(host, port)
            if scheme == "https":
                conn = _PinnedHTTPSConnection(
                    netloc, ip, timeout=timeout, context=ssl.create_default_context()
                )
            else:
                conn = _PinnedHTTPConnection(netloc, ip, timeout=timeout)
        elif scheme == "https":
            conn = http.client.HTTPSConnection(netloc, timeout=timeout, context=ssl.create_default_context())
        else:
            conn = http.client.HTTPConnection(netloc, timeout=timeout)
        pool[(scheme, netloc)] = conn
    return conn


def _drop(scheme: str, netloc: str) -> None:
    conn = getattr(_local, "pool", {}).pop((scheme, netloc), None)
    if conn is not None:
        conn.close()


def post(
    url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0, public_only: bool = False
) -> Response:
    """POST and read the answer. Network errors raise TransportError (retryable); the caller decides
    what an HTTP status means. `public_only` for addresses a subscriber gave (see the module doc)."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    for attempt in (1, 2):
        conn = _connection(parts.scheme, parts.netloc, timeout, public_only)
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
