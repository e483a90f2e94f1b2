"""``CertificateSigner`` over the HMAC verification codes (adapters.documents.verification)."""

from __future__ import annotations

from adapters.documents import verification
from domain.documents.models import CertificateModel


class HmacCertificateSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, model: CertificateModel) -> CertificateModel:
        return verification.sign(self._key, model)

    def verify(self, model: CertificateModel, code: str) -> bool:
        return verification.verify_code(self._key, model, code)

    def normalise(self, code: str) -> str:
        return verification.normalise(code)
