"""Backup and restore results (issue 17, ADR 0019): what an operator is told and what a drill compares."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class BackupResult:
    path: Path
    sha256: str
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    target: str
    backup_id: str
    reapplied: list[str] = field(default_factory=list)
    verify: dict[str, Any] = field(default_factory=dict)
    manifest_root_matches: bool = False
    projections: dict[str, str] = field(default_factory=dict)
    projections_equal_backup: bool = False
    #: Witness checkpoints beyond the backup: events the restore cannot contain (lost since the backup).
    witness_beyond_backup: int = 0
    events_lost_since_backup: int = 0
    ok: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "backup_id": self.backup_id,
            "reapplied_erasures": self.reapplied,
            "verify": self.verify,
            "manifest_root_matches": self.manifest_root_matches,
            "projections": self.projections,
            "projections_equal_backup": self.projections_equal_backup,
            "witness_beyond_backup": self.witness_beyond_backup,
            "events_lost_since_backup": self.events_lost_since_backup,
            "ok": self.ok,
        }
