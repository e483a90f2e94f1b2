"""Authentication adapters: argon2id password hashing, TOTP (RFC 6238), session activity (ADR 0012)."""
