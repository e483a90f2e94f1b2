"""The Ed25519 key that signs audit checkpoints, kept outside the database (DESIGN §7, ADR 0008).

- The private key is a PKCS#8 PEM file at ``Settings.audit_key_path`` (default ``var_dir/audit_ed25519.key``),
  created with mode 0600 on first use. Whoever can read it can re-sign a rewritten log, so in production it
  belongs on a separate host or HSM; only a witness (docs/audit-log.md) catches a re-signed rewrite.
- Next to it, ``audit_ed25519.pub`` holds the public key in the C2SP signed-note verifier-key format
  (``<name>+<key hash hex>+<base64(0x01 ‖ public key)>``), which an auditor or a witness can keep and use
  with ``juminzei audit verify --public-key``.
- The key id is the C2SP key hash: the first 4 bytes of ``SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key)``,
  in hex (https://github.com/C2SP/C2SP/blob/main/signed-note.md).
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from adapters.settings import Settings

KEY_NAME = "juminzei-audit"
DEFAULT_KEY_FILE = "audit_ed25519.key"
_ED25519_ALGORITHM = b"\x01"


class AuditKeyError(RuntimeError):
    """The checkpoint key is missing, unreadable or not the key the log was signed with."""


def default_key_path(settings: Settings) -> Path:
    """``audit_key_path`` if configured, else ``var_dir/audit_ed25519.key``."""
    return settings.audit_key_path or settings.var_dir / DEFAULT_KEY_FILE


def public_key_path(private_key_path: Path) -> Path:
    return private_key_path.with_suffix(".pub")


@dataclass(frozen=True)
class VerifyingKey:
    """An Ed25519 public key with its C2SP key hash."""

    raw: bytes
    name: str = KEY_NAME

    @property
    def key_hash(self) -> bytes:
        return hashlib.sha256(self.name.encode() + b"\n" + _ED25519_ALGORITHM + self.raw).digest()[:4]

    @property
    def key_id(self) -> str:
        return self.key_hash.hex()

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_text(self) -> str:
        """C2SP verifier key: ``name+hash+base64(0x01 ‖ key)``."""
        return f"{self.name}+{self.key_id}+{base64.b64encode(_ED25519_ALGORITHM + self.raw).decode('ascii')}"

    @classmethod
    def from_text(cls, text: str) -> VerifyingKey:
        try:
            name, key_id, encoded = text.strip().split("+", 2)
            blob = base64.b64decode(encoded, validate=True)
        except ValueError as error:
            raise AuditKeyError("not a verifier key (expected name+hash+base64)") from error
        if blob[:1] != _ED25519_ALGORITHM or len(blob) != 33:
            raise AuditKeyError("the verifier key is not an Ed25519 key")
        key = cls(raw=blob[1:], name=name)
        if key.key_id != key_id:
            raise AuditKeyError("the verifier key's hash does not match the key")
        return key


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    def public(self) -> VerifyingKey:
        return VerifyingKey(
            raw=self.private.public_key().public_bytes(
                encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
            )
        )

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def load_signing_key(path: Path) -> SigningKey | None:
    """The private key at ``path``, or None when the file does not exist."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise AuditKeyError(f"{path} is not an unencrypted PEM private key") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyError(f"{path} is not an Ed25519 key")
    return SigningKey(key)


def create_signing_key(path: Path) -> SigningKey:
    """Generate a key into ``path`` (mode 0600, never overwriting) and its public key next to it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = SigningKey(Ed25519PrivateKey.generate())
    pem = key.private.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public_key_path(path).write_text(key.public().to_text() + "\n", encoding="ascii")
    return key


def load_or_create_signing_key(path: Path) -> tuple[SigningKey, bool]:
    """Returns (key, created_now)."""
    existing = load_signing_key(path)
    if existing is not None:
        return existing, False
    try:
        return create_signing_key(path), True
    except FileExistsError:  # another process created it first
        created = load_signing_key(path)
        assert created is not None
        return created, False


def load_verifying_key(path: Path) -> VerifyingKey | None:
    """A public key from a private key file, a ``.pub`` verifier-key file or a PEM public key."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    text = data.decode("ascii", errors="replace").strip()
    if "PRIVATE KEY" in text:
        signing = load_signing_key(path)
        assert signing is not None
        return signing.public()
    if "PUBLIC KEY" in text:
        try:
            public = serialization.load_pem_public_key(data)
        except ValueError as error:
            raise AuditKeyError(f"{path} is not a PEM public key") from error
        if not isinstance(public, Ed25519PublicKey):
            raise AuditKeyError(f"{path} is not an Ed25519 key")
        return VerifyingKey(
            raw=public.public_bytes(
                encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
            )
        )
    return VerifyingKey.from_text(text)
