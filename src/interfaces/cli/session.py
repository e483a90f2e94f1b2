"""The CLI's signed-in sessions: a JSON file, mode 0600, holding the session token of each staff member
who signed in on this terminal (ADR 0023).

``staff sign-in`` adds (or replaces) an entry and makes it current; ``staff sign-out`` removes it. The
store keeps only the SHA-256 of each token, exactly as for the HTTP API; every command re-validates its
session through ``StaffService.check_session`` (expiry, idle timeout, sign-out, lockout). Several people
may be signed in on one terminal: ``--as STAFF_ID`` picks one (a maker-checker's second person signs in
under their own password and TOTP and is then named by the command), the last one signed in is the default.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class StoredSession:
    staff_id: str
    token: str
    session_id: str
    expires_at: str


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"current": None, "sessions": []}
    except (OSError, ValueError):
        return {"current": None, "sessions": []}
    if not isinstance(data, dict) or not isinstance(data.get("sessions"), list):
        return {"current": None, "sessions": []}
    return data


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def sessions(path: Path) -> list[StoredSession]:
    found: list[StoredSession] = []
    for entry in _read(path)["sessions"]:
        try:
            found.append(
                StoredSession(
                    staff_id=str(entry["staff_id"]),
                    token=str(entry["token"]),
                    session_id=str(entry.get("session_id", "")),
                    expires_at=str(entry.get("expires_at", "")),
                )
            )
        except (KeyError, TypeError):
            continue
    return found


def find(path: Path, staff_id: str | None) -> StoredSession | None:
    """The session of ``staff_id``, or (None) the current one."""
    data = _read(path)
    wanted = staff_id or data.get("current")
    if not wanted:
        return None
    for entry in sessions(path):
        if entry.staff_id == wanted:
            return entry
    return None


def save(path: Path, stored: StoredSession) -> None:
    data = _read(path)
    kept = [e for e in data["sessions"] if isinstance(e, dict) and e.get("staff_id") != stored.staff_id]
    kept.append(
        {
            "staff_id": stored.staff_id,
            "token": stored.token,
            "session_id": stored.session_id,
            "expires_at": stored.expires_at,
        }
    )
    _write(path, {"current": stored.staff_id, "sessions": kept})


def remove(path: Path, staff_id: str) -> None:
    data = _read(path)
    kept = [e for e in data["sessions"] if isinstance(e, dict) and e.get("staff_id") != staff_id]
    current = data.get("current")
    if current == staff_id:
        current = kept[-1]["staff_id"] if kept else None
    _write(path, {"current": current, "sessions": kept})
