"""Text rules that hold everywhere: NFC on input, diacritic-insensitive search keys."""

from __future__ import annotations

import unicodedata


def nfc(value: str) -> str:
    """Normalise to NFC and trim: Vietnamese typed on phones often arrives decomposed (NFD)."""
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str) -> str:
    """Search key: lower case, no tone or vowel marks, đ→d ("Đức Trọng" → "duc trong")."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
