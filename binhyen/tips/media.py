"""Photos and short videos from reporters: the type is decided by the bytes, not the name or the
browser's claim, and each kind has its own size limit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO

from django.conf import settings


@dataclass(frozen=True)
class MediaType:
    content_type: str
    kind: str  # photo | video
    extension: str


class MediaError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sniff(head: bytes) -> MediaType | None:
    """Recognise JPEG, PNG, GIF, WebP, HEIC/HEIF, MP4/MOV/3GP and WebM by their magic bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return MediaType("image/jpeg", "photo", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaType("image/png", "photo", "png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return MediaType("image/gif", "photo", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return MediaType("image/webp", "photo", "webp")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"hevc"):
            return MediaType("image/heic", "photo", "heic")
        if brand == b"qt  ":
            return MediaType("video/quicktime", "video", "mov")
        if brand.startswith(b"3g"):
            return MediaType("video/3gpp", "video", "3gp")
        if brand in (
            b"isom",
            b"iso2",
            b"iso4",
            b"iso5",
            b"iso6",
            b"mp41",
            b"mp42",
            b"avc1",
            b"M4V ",
            b"dash",
        ):
            return MediaType("video/mp4", "video", "mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return MediaType("video/webm", "video", "webm")
    return None


def check(name: str, stream: IO[bytes], size: int) -> tuple[MediaType, str]:
    """Validate one upload; returns its type and SHA-256. Raises MediaError with a Vietnamese message."""
    stream.seek(0)
    head = stream.read(32)
    kind = sniff(head)
    label = name or "tệp"
    if kind is None:
        raise MediaError(
            f"Tệp «{label}» không phải ảnh (JPEG, PNG, WebP, HEIC) hay video (MP4, MOV, 3GP, WebM)."
        )
    limit = settings.TIP_MAX_PHOTO_BYTES if kind.kind == "photo" else settings.TIP_MAX_VIDEO_BYTES
    if size > limit:
        raise MediaError(
            f"Tệp «{label}» quá lớn ({size / 1048576:.1f} MB); tối đa {limit / 1048576:.0f} MB cho "
            f"{'ảnh' if kind.kind == 'photo' else 'video'}."
        )
    if size == 0:
        raise MediaError(f"Tệp «{label}» rỗng.")
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        digest.update(chunk)
    stream.seek(0)
    return kind, digest.hexdigest()
