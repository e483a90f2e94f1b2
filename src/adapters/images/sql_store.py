"""Encrypted, content-addressed image blobs in ``filing_images`` (migration 0025). Implements
``application.images.ImageStore``; holds ciphertext only (base64 text, portable across SQLite/PostgreSQL)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from application.ports import SqlDatabase


class SqlImageStore:
    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def put(self, key_id: str, content_hash: str, media_type: str, ciphertext: bytes) -> bool:
        """Store a blob once; False when this key already holds this content (content addressing)."""
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT 1 FROM filing_images WHERE key_id = %s AND content_hash = %s", (key_id, content_hash)
            )
            if cur.fetchone() is not None:
                return False
            cur.execute(
                "INSERT INTO filing_images (key_id, content_hash, media_type, ciphertext, stored_at)"
                " VALUES (%s, %s, %s, %s, %s)",
                (
                    key_id,
                    content_hash,
                    media_type,
                    base64.b64encode(ciphertext).decode("ascii"),
                    datetime.now(UTC).isoformat(),
                ),
            )
            return True

    def get(self, key_id: str, content_hash: str) -> tuple[str, bytes] | None:
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT media_type, ciphertext FROM filing_images WHERE key_id = %s AND content_hash = %s",
                (key_id, content_hash),
            )
            row = cur.fetchone()
        return None if row is None else (str(row[0]), base64.b64decode(row[1]))
