"""Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm message encryption (RFC 8291), written on
`cryptography` alone.

Settings: WEBPUSH_VAPID_PRIVATE_KEY (the P-256 private key: PEM, or the raw 32-byte scalar in base64url
as `npx web-push generate-vapid-keys` prints it) and WEBPUSH_VAPID_SUBJECT (mailto: or https: contact).
The address is the browser's PushSubscription as JSON: {"endpoint", "keys": {"p256dh", "auth"}}.
"""

from __future__ import annotations

import base64
import json
import os
import struct
import time
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from binhyen.alerts.channels import http
from binhyen.alerts.channels.base import Message, Result, Transport, TransportError, setting

RECORD_SIZE = 4096


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw_public(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    text = text.strip()
    if text.startswith("-----"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("not an EC key")
        return key
    return ec.derive_private_key(int.from_bytes(unb64u(text), "big"), ec.SECP256R1())


def generate_vapid_key() -> tuple[str, str]:
    """(private key as base64url scalar, public key as base64url uncompressed point)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64u(key.private_numbers().private_value.to_bytes(32, "big")), b64u(_raw_public(key.public_key()))


def vapid_key() -> ec.EllipticCurvePrivateKey | None:
    text = str(setting("WEBPUSH_VAPID_PRIVATE_KEY", ""))
    if not text:
        return None
    return load_private_key(text)


def vapid_public_key() -> str:
    """The applicationServerKey the browser needs to subscribe ("" when not configured)."""
    try:
        key = vapid_key()
    except ValueError:
        return ""
    return b64u(_raw_public(key.public_key())) if key else ""


def vapid_header(
    endpoint: str, key: ec.EllipticCurvePrivateKey, subject: str, now: float | None = None
) -> str:
    parts = urlsplit(endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int((now or time.time()) + 12 * 3600),
        "sub": subject,
    }
    signing_input = (
        b64u(json.dumps({"typ": "JWT", "alg": "ES256"}, separators=(",", ":")).encode())
        + "."
        + b64u(json.dumps(claims, separators=(",", ":")).encode())
    )
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    jwt = signing_input + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    return f"vapid t={jwt}, k={b64u(_raw_public(key.public_key()))}"


def encrypt(
    plaintext: bytes,
    p256dh: str,
    auth: str,
    salt: bytes | None = None,
    server_key: ec.EllipticCurvePrivateKey | None = None,
) -> bytes:
    """RFC 8291: one aes128gcm record addressed to the browser's key pair."""
    ua_public_raw = unb64u(p256dh)
    ua_public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ua_public_raw)
    auth_secret = unb64u(auth)
    as_private = server_key or ec.generate_private_key(ec.SECP256R1())
    as_public_raw = _raw_public(as_private.public_key())
    ecdh_secret = as_private.exchange(ec.ECDH(), ua_public)
    ikm = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=auth_secret,
        info=b"WebPush: info\x00" + ua_public_raw + as_public_raw,
    ).derive(ecdh_secret)
    salt = salt or os.urandom(16)
    cek = HKDF(
        algorithm=hashes.SHA256(), length=16, salt=salt, info=b"Content-Encoding: aes128gcm\x00"
    ).derive(ikm)
    nonce = HKDF(algorithm=hashes.SHA256(), length=12, salt=salt, info=b"Content-Encoding: nonce\x00").derive(
        ikm
    )
    if len(plaintext) + 1 + 16 > RECORD_SIZE:
        raise TransportError("Nội dung quá dài cho Web Push.", permanent=True)
    ciphertext = AESGCM(cek).encrypt(nonce, plaintext + b"\x02", None)  # \x02: the last (only) record
    header = salt + struct.pack("!IB", RECORD_SIZE, len(as_public_raw)) + as_public_raw
    return header + ciphertext


def decrypt(body: bytes, ua_private: ec.EllipticCurvePrivateKey, auth: str) -> bytes:
    """The browser's side (tests use it to read what was sent)."""
    salt, (_rs, idlen) = body[:16], struct.unpack("!IB", body[16:21])
    as_public_raw = body[21 : 21 + idlen]
    ciphertext = body[21 + idlen :]
    ua_public_raw = _raw_public(ua_private.public_key())
    ecdh_secret = ua_private.exchange(
        ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), as_public_raw)
    )
    ikm = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=unb64u(auth),
        info=b"WebPush: info\x00" + ua_public_raw + as_public_raw,
    ).derive(ecdh_secret)
    cek = HKDF(
        algorithm=hashes.SHA256(), length=16, salt=salt, info=b"Content-Encoding: aes128gcm\x00"
    ).derive(ikm)
    nonce = HKDF(algorithm=hashes.SHA256(), length=12, salt=salt, info=b"Content-Encoding: nonce\x00").derive(
        ikm
    )
    plain = AESGCM(cek).decrypt(nonce, ciphertext, None)
    return plain.rstrip(b"\x00")[:-1]


class PushTransport(Transport):
    channel = "push"

    def problems(self) -> list[str]:
        found = []
        try:
            if vapid_key() is None:
                found.append("Chưa có khoá VAPID cho Web Push (WEBPUSH_VAPID_PRIVATE_KEY).")
        except ValueError:
            found.append("Khoá VAPID (WEBPUSH_VAPID_PRIVATE_KEY) không đọc được.")
        if not setting("WEBPUSH_VAPID_SUBJECT", ""):
            found.append("Chưa có địa chỉ liên hệ VAPID (WEBPUSH_VAPID_SUBJECT, ví dụ mailto:…).")
        return found

    def send(self, message: Message) -> Result:
        try:
            key = vapid_key()
        except ValueError as e:
            raise TransportError("Khoá VAPID không đọc được.") from e
        if key is None:
            raise TransportError("Chưa có khoá VAPID.")
        try:
            sub = json.loads(message.address)
            endpoint, p256dh, auth = sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"]
        except (ValueError, KeyError, TypeError) as e:
            raise TransportError("Đăng ký Web Push không hợp lệ.", permanent=True) from e
        payload = json.dumps(
            {
                "title": message.headline,
                "body": message.text[:500],
                "url": message.url,
                "id": message.idempotency_key,
                "urgent": message.urgent,
            },
            ensure_ascii=False,
        ).encode()
        body = encrypt(payload, p256dh, auth)
        r = http.post(
            endpoint,
            body,
            {
                "Content-Type": "application/octet-stream",
                "Content-Encoding": "aes128gcm",
                "TTL": str(int(setting("WEBPUSH_TTL", 24 * 3600))),
                "Urgency": "high" if message.urgent else "normal",
                "Topic": message.alert_identifier[:32],
                "Authorization": vapid_header(endpoint, key, str(setting("WEBPUSH_VAPID_SUBJECT", ""))),
            },
            public_only=True,
        )
        if r.status in (404, 410):
            raise TransportError(
                f"Trình duyệt đã huỷ đăng ký nhận thông báo (HTTP {r.status}).", gone=True
            )
        http.check_status(r, "Dịch vụ Web Push")
        return Result(provider_id=r.headers.get("location", "")[:120])
