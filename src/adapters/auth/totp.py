"""TOTP second factor (RFC 6238: SHA-1, 6 digits, 30-second steps) with ``pyotp``.

Implements ``application.staff.TotpVerifier``. The clock is a parameter: ``verify(secret, code, now)``
checks the code at ``now`` and ±``valid_window`` steps (clock drift) and returns the matched time step,
so the service can refuse a replayed code (a step not later than the last one used).
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

import pyotp


class PyotpTotp:
    def __init__(self, *, interval: int = 30, digits: int = 6, valid_window: int = 1) -> None:
        self.interval = interval
        self.digits = digits
        self.valid_window = valid_window

    def _totp(self, secret: str) -> pyotp.TOTP:
        return pyotp.TOTP(secret, digits=self.digits, interval=self.interval)

    def new_secret(self) -> str:
        return pyotp.random_base32()

    def provisioning_uri(self, secret: str, account: str, issuer: str) -> str:
        return self._totp(secret).provisioning_uri(name=account, issuer_name=issuer)

    def code_at(self, secret: str, now: datetime) -> str:
        """The code at ``now`` (for tests and demos)."""
        return self._totp(secret).at(now)

    def verify(self, secret: str, code: str, now: datetime) -> int | None:
        cleaned = code.replace(" ", "").strip()
        if len(cleaned) != self.digits or not cleaned.isdigit():
            return None
        totp = self._totp(secret)
        for offset in sorted(range(-self.valid_window, self.valid_window + 1), key=abs):
            moment = now + timedelta(seconds=offset * self.interval)
            if hmac.compare_digest(totp.at(moment), cleaned):
                return totp.timecode(moment)
        return None
