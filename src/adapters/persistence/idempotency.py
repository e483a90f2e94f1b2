"""Idempotency records for POST commands (``Idempotency-Key``), kept in ``http_idempotency``.

Same staff + same key + same request → the stored response is replayed; same key with a different request
→ 422; a request still in progress under that key → 409. Records are scoped to the staff member, so a key
never reveals another clerk's response. Unexpected failures (5xx) release the key so the clerk can retry.
Records are kept for 24 hours (``RETENTION``); rendered documents are kept by reference only.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from application.ports import SqlDatabase


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    content_type: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Begin:
    """Outcome of claiming a key: ``new`` (go ahead), ``replay``, ``mismatch`` or ``in_progress``."""

    outcome: str
    stored: StoredResponse | None = None


def request_hash(parts: dict[str, Any]) -> str:
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


#: How long a key can be replayed.
RETENTION = timedelta(hours=24)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _cutoff() -> str:
    return (datetime.now(UTC) - RETENTION).isoformat()


class IdempotencyStore:
    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def begin(self, staff_id: str, key: str, route: str, digest: str) -> Begin:
        with self._db.transaction() as cur:
            if self._db.dialect == "postgres":
                # The in-progress mark needs no fsync of its own: the command's events commit synchronously
                # later in the same WAL (flushing this first), as does ``complete``; a crash before either
                # loses a mark of a command that did nothing, and the client's retry runs it anew.
                cur.execute("SET LOCAL synchronous_commit TO OFF")
            # Replay window: records older than RETENTION are dropped (they may name taxpayers).
            cur.execute("DELETE FROM http_idempotency WHERE created_at < %s", (_cutoff(),))
            cur.execute(
                "INSERT INTO http_idempotency (staff_id, idem_key, route, request_hash, state, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (staff_id, idem_key) DO NOTHING",
                (staff_id, key, route, digest, "in_progress", _now()),
            )
            if getattr(cur, "rowcount", 0) == 1:
                return Begin("new")
            cur.execute(
                "SELECT route, request_hash, state, status_code, content_type, body, headers"
                " FROM http_idempotency WHERE staff_id = %s AND idem_key = %s",
                (staff_id, key),
            )
            row = cur.fetchone()
        if row is None:  # released between the insert and the select: treat as in progress
            return Begin("in_progress")
        stored_route, stored_hash, state, status_code, content_type, body, headers = row
        if stored_route != route or stored_hash != digest:
            return Begin("mismatch")
        if state != "done":
            return Begin("in_progress")
        return Begin(
            "replay",
            StoredResponse(
                status_code=int(status_code),
                content_type=str(content_type),
                body=base64.b64decode(body or ""),
                headers=json.loads(headers or "{}"),
            ),
        )

    def complete(self, staff_id: str, key: str, response: StoredResponse) -> None:
        with self._db.transaction() as cur:
            cur.execute(
                "UPDATE http_idempotency SET state = %s, status_code = %s, content_type = %s, body = %s,"
                " headers = %s, completed_at = %s WHERE staff_id = %s AND idem_key = %s",
                (
                    "done",
                    response.status_code,
                    response.content_type,
                    base64.b64encode(response.body).decode("ascii"),
                    json.dumps(response.headers, sort_keys=True),
                    _now(),
                    staff_id,
                    key,
                ),
            )

    def release(self, staff_id: str, key: str) -> None:
        with self._db.transaction() as cur:
            cur.execute(
                "DELETE FROM http_idempotency WHERE staff_id = %s AND idem_key = %s AND state = %s",
                (staff_id, key, "in_progress"),
            )
