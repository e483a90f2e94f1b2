"""Received files kept under ``var/uploads/<sha256>/<file name>`` (HTTP and console uploads; jobs refer to
them by path). Content-addressed: the same bytes are kept once, whoever sends them again."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePath


def keep_upload(var_dir: Path, file_name: str, data: bytes, sha256: str | None = None) -> Path:
    """Store ``data`` (if not already there) and return its path. Only the base name of ``file_name`` is
    kept, with anything but word characters, dots and hyphens replaced (at most 100 characters), so a
    name cannot reach outside the upload directory."""
    digest = sha256 or hashlib.sha256(data).hexdigest()
    directory = var_dir / "uploads" / digest
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / safe_file_name(file_name)
    if not path.exists():
        path.write_bytes(data)
    return path


def safe_file_name(file_name: str | None) -> str:
    return re.sub(r"[^\w.\-]", "_", PurePath(file_name or "upload").name)[:100] or "upload"
