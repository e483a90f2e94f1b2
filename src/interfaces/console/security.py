"""Cookies, CSRF tokens and response headers of the console (ADR 0027).

* The staff session token (the same one ``juminzei staff sign-in`` returns) lives only in an HttpOnly,
  Secure, SameSite=Strict cookie; it is never rendered into a page or a URL.
* CSRF: every form carries a token. Signed in, it is an HMAC of the session token (synchroniser token,
  nothing stored); before sign-in, a random value double-submitted as a cookie and a form field.
* Every response gets a Content-Security-Policy without scripts or inline styles, no referrer, no
  framing, and ``Cache-Control: no-store`` (pages show personal data).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SESSION_COOKIE = "jz_console"
PURPOSE_COOKIE = "jz_purpose"
LOGIN_CSRF_COOKIE = "jz_login_csrf"
COOKIE_PATH = "/console"

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def csrf_for_session(token: str) -> str:
    """The form token of a signed-in session (derived; a page never shows the session token itself)."""
    return hmac.new(token.encode("utf-8"), b"juminzei-console-csrf", hashlib.sha256).hexdigest()


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())
