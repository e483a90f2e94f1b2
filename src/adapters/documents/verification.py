"""Certificate verification codes (照合番号) — keyed MAC over the canonical certificate payload.

Scheme (ADR 0007, docs/documents.md): ``HMAC-SHA256(key, certificate_payload(model))``
(:func:`domain.documents.verification.certificate_payload`), the first 20 bytes (160 bits) encoded in
Crockford base32 (digits and upper-case letters without I, L, O, U — no look-alikes) = 32 characters,
printed as 8 groups of 4: ``XXXX-XXXX-…-XXXX``. The **short form** (短縮照合番号) is the first 3 groups
(12 characters, 60 bits), a prefix of the full code, for typing over the phone or at a counter.

Anyone holding a certificate gives its 証明書番号 and code; the ward loads the stored model (from the
issuing event) and calls :func:`verify_code`, which accepts the full or the short form, ignores case,
spaces and hyphens, reads ``O`` as ``0`` and ``I``/``L`` as ``1``, and compares in constant time
(``hmac.compare_digest``). The key comes from configuration (key store); rotating it needs the old key
kept for verifying older certificates — the caller tries each key.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace

from domain.documents.models import CertificateModel
from domain.documents.verification import certificate_payload

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_BYTES = 20
GROUP = 4
SHORT_GROUPS = 3
FULL_CHARS = CODE_BYTES * 8 // 5  # 32
SHORT_CHARS = SHORT_GROUPS * GROUP  # 12
MIN_KEY_BYTES = 16

_TRANSLATE = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None, "　": None})


def _b32(data: bytes) -> str:
    bits = int.from_bytes(data, "big")
    n = len(data) * 8 // 5
    return "".join(ALPHABET[(bits >> (5 * (n - 1 - i))) & 31] for i in range(n))


def _group(chars: str) -> str:
    return "-".join(chars[i : i + GROUP] for i in range(0, len(chars), GROUP))


def _raw_code(key: bytes, model: CertificateModel) -> str:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError("verification key too short (need at least 16 bytes)")
    mac = hmac.new(key, certificate_payload(model), hashlib.sha256).digest()
    return _b32(mac[:CODE_BYTES])


def certificate_code(key: bytes, model: CertificateModel) -> str:
    """The full verification code of ``model`` (its ``verification_code`` field is ignored)."""
    return _group(_raw_code(key, model))


def short_code(code: str) -> str:
    """The short form (first 3 groups) of a full code."""
    return _group(normalise(code)[:SHORT_CHARS])


def normalise(code: str) -> str:
    """Upper-case, strip separators, map look-alikes (O→0, I/L→1)."""
    return code.upper().translate(_TRANSLATE)


def verify_code(key: bytes, model: CertificateModel, code: str) -> bool:
    """True if ``code`` (full or short form, as typed) matches ``model`` under ``key``."""
    typed = normalise(code)
    if len(typed) not in (FULL_CHARS, SHORT_CHARS) or any(c not in ALPHABET for c in typed):
        return False
    expected = _raw_code(key, model)[: len(typed)]
    return hmac.compare_digest(typed.encode("ascii"), expected.encode("ascii"))


def sign(key: bytes, model: CertificateModel) -> CertificateModel:
    """Return ``model`` with its ``verification_code`` set (what the issuing code stores and renders)."""
    return replace(model, verification_code=certificate_code(key, model))
