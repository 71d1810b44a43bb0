"""Encryption at rest for personal data (reporters' names and contacts).

Fernet (AES-128-CBC + HMAC-SHA256) with keys from BINHYEN_FIELD_KEYS; MultiFernet lets an old key keep
decrypting while a new one encrypts. Empty values stay empty, so "no contact given" needs no key.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _current().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        # A lost or wrong key must not crash a page; the reader sees that the value is unreadable.
        return "⟨không giải mã được⟩"


def rotate(token: str) -> str:
    """Re-encrypt with the first key (after a new key is put first)."""
    return _current().rotate(token.encode()).decode() if token else ""
