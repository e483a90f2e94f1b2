"""消去鍵リスト (shred list): every destroyed data key, kept OUTSIDE the database (issue 17, ADR 0019).

Crypto-shredding destroys a data key in ``data_keys``. Restoring a backup taken before that would bring
the key back, and with it the erased resident's data. So every destruction is also appended here — a
JSON-lines file on storage other than the database and its backups — and ``backup restore`` destroys
again every key listed after the backup's own length of this list. The file holds key ids only (a
taxpayer UUID and a 年度: pseudonymous), never a key or a personal value.

Appends are flushed and fsynced before the destruction is reported, so a crash cannot leave a key
destroyed in the database but missing here.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class ShredListError(RuntimeError):
    """The shred list cannot be read or written (a line is not valid, the file is unreachable)."""


@dataclass(frozen=True)
class ShredEntry:
    key_id: str
    destroyed_at: str


class ShredList:
    """Append-only JSON-lines file of destroyed data-key ids."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, key_id: str) -> None:
        line = json.dumps({"key_id": key_id, "destroyed_at": datetime.now(UTC).isoformat()}) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)

    def entries(self) -> list[ShredEntry]:
        """Every entry in order; a malformed line is an error naming the file and line (never skipped)."""
        if not self.path.exists():
            return []
        found: list[ShredEntry] = []
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                    found.append(ShredEntry(str(data["key_id"]), str(data["destroyed_at"])))
                except (ValueError, KeyError, TypeError) as error:
                    raise ShredListError(
                        f"消去鍵リストの {self.path} {number} 行目が読めません: {error}"
                    ) from error
        return found

    def __len__(self) -> int:
        return len(self.entries())
