"""Canonical payload of a 課税・非課税証明書 — what its verification code (照合番号) commits to (pure).

The keyed MAC over this payload is computed in ``adapters.documents.verification`` (HMAC-SHA256, key
from configuration); this module only fixes the bytes, so the scheme is reproducible and testable
without keys. Certificates are issued under 地方税法 第20条の10; the verification code is our addition
(docs/documents.md, ADR 0007).

Payload = ``b"juminzei/certificate/v1\\n"`` + canonical JSON of ``model.to_dict()`` without the
``verification_code`` field: keys sorted, no insignificant whitespace, UTF-8, non-ASCII kept as is,
strings exactly as stored (no Unicode normalisation: the verifier re-reads the stored model, it does not
re-type it). Every printed field — 証明書番号, 年度, 発行日, issuer, subject, incomes, deductions, taxes,
使用目的, 備考, kind — is covered, so changing any of them invalidates the code.
"""

from __future__ import annotations

import json

from domain.documents.models import CertificateModel

PAYLOAD_PREFIX = b"juminzei/certificate/v1\n"


def certificate_payload(model: CertificateModel) -> bytes:
    """The canonical bytes of ``model`` that the verification code is computed over."""
    data = model.to_dict()
    data.pop("verification_code", None)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return PAYLOAD_PREFIX + text.encode("utf-8")
