"""The replica's local journal buffer (縮退運用; ADR 0020): an append-only file of encrypted entries.

Each line is one buffered stored event, encrypted with AES-256-GCM under a key derived (HKDF) from the
store's wrapped derivation root — so only a holder of the master key can read it — with the entry id as
associated data. Lines are fsynced before ``append`` returns: the read that the entry journals is
answered only after that. Drained entry ids go to a second file (``<path>.drained``), also fsynced, so a
drain that is interrupted resumes where it stopped. A line that cannot be read is an error naming the
file and line, never skipped.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eventsourcing.persistence import StoredEvent

from application.degraded import BufferedEntry


class DegradedJournalError(RuntimeError):
    """The buffer cannot be read (a damaged line, a different master key)."""


def journal_key(derivation_root: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"juminzei", info=b"juminzei/replica-journal/v1"
    ).derive(derivation_root)


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


class EncryptedFileJournal:
    """``DegradedJournal`` on a local file."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self.drained_path = path.with_name(path.name + ".drained")
        self._aes = AESGCM(key)
        self._lock = threading.Lock()

    def append(self, stored: Sequence[StoredEvent]) -> None:
        lines = []
        for event in stored:
            entry_id = str(uuid.uuid4())
            body = json.dumps(
                {
                    "originator_id": str(event.originator_id),
                    "originator_version": event.originator_version,
                    "topic": event.topic,
                    "state": base64.b64encode(event.state).decode("ascii"),
                }
            ).encode("utf-8")
            nonce = os.urandom(12)
            sealed = self._aes.encrypt(nonce, body, entry_id.encode("ascii"))
            lines.append(
                json.dumps(
                    {
                        "id": entry_id,
                        "nonce": base64.b64encode(nonce).decode(),
                        "ct": base64.b64encode(sealed).decode(),
                    }
                )
                + "\n"
            )
        with self._lock:
            _append_line(self.path, "".join(lines))  # one write, one fsync: the batch is there or not

    def _drained(self) -> set[str]:
        if not self.drained_path.exists():
            return set()
        return {
            line.strip()
            for line in self.drained_path.read_text(encoding="ascii").splitlines()
            if line.strip()
        }

    def pending(self) -> list[BufferedEntry]:
        if not self.path.exists():
            return []
        drained = self._drained()
        found: list[BufferedEntry] = []
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    outer = json.loads(line)
                    if outer["id"] in drained:
                        continue
                    body = self._aes.decrypt(
                        base64.b64decode(outer["nonce"]),
                        base64.b64decode(outer["ct"]),
                        outer["id"].encode("ascii"),
                    )
                    data = json.loads(body)
                except (ValueError, KeyError, InvalidTag) as error:
                    raise DegradedJournalError(
                        f"縮退運用ジャーナル {self.path} の {number} 行目が読めません"
                        f"（破損、または別のマスター鍵）: {type(error).__name__}"
                    ) from error
                found.append(
                    BufferedEntry(
                        entry_id=outer["id"],
                        stored=StoredEvent(
                            originator_id=UUID(data["originator_id"]),
                            originator_version=int(data["originator_version"]),
                            topic=str(data["topic"]),
                            state=base64.b64decode(data["state"]),
                        ),
                    )
                )
        return found

    def mark_drained(self, entry_ids: Iterable[str]) -> None:
        ids = [i for i in entry_ids]
        if ids:
            with self._lock:
                _append_line(self.drained_path, "".join(f"{i}\n" for i in ids))
