"""Backup and restore of a whole store, with the shred list re-applied (issue 17, ADR 0019).

``take_backup``: seal the audit log up to the head, take a consistent image (SQLite online backup API or
``pg_dump -Fc``), write a manifest (event head, Merkle tree size/root and latest checkpoint, shred-list
length, projection checksums, image hash) and record ``BackupTaken`` in the source store.

``restore_backup``: check the archive, load it into an EMPTY target, migrate it to this version, destroy
again every data key in the shred list that the image still holds (so an erasure survives the restore),
record ``BackupRestored`` with those keys, rebuild every read model, seal, and verify the log: against
the stored checkpoints, against the manifest's root at its tree size, and against an exported
(witness) checkpoint file when one is given.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.audit.merkle_log import load_checkpoints, load_witness, seal, verify
from adapters.persistence.backup import (
    FORMAT,
    IMAGES,
    BackupError,
    BackupManifest,
    dump_image,
    ensure_empty_target,
    image_sha256,
    read_archive,
    restore_image,
    write_archive,
)
from adapters.persistence.stores import parse_database_url
from adapters.settings import Settings
from application.backups import BackupResult, RestoreResult
from domain.audit.backup import BackupRestored, BackupTaken
from domain.retention.policy import ErasedKey
from domain.shared.events import CommandContext
from interfaces.bootstrap import Container, build


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("juminzei")
    except PackageNotFoundError:  # pragma: no cover
        return "0+unknown"


def take_backup(c: Container, out: Path, ctx: CommandContext) -> BackupResult:
    """Seal, image, manifest, archive; then record who took it (``BackupTaken``). Runs as the
    ``TakeBackup`` use case (``application.usecases.operations``)."""
    seal(c)
    checkpoints = load_checkpoints(c)
    latest = checkpoints[-1] if checkpoints else None
    head = c.app.head()  # the read models are current: the bus refreshed them (TakeBackup reads them)
    backup_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as work:
        image = Path(work) / IMAGES["sqlite" if c.store.kind == "sqlite" else "postgres"]
        dump_image(c.store, c.settings.database_url, image)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "backup_id": backup_id,
            "created_at": datetime.now(UTC).isoformat(),
            "juminzei_version": _package_version(),
            "dialect": "sqlite" if c.store.kind == "sqlite" else "postgres",
            "source": c.store.describe(),
            "event_head": head,
            "audit": {
                "tree_size": latest.tree_size if latest else 0,
                "root_hash": latest.root_hash.hex() if latest else None,
                "checkpoint": latest.to_json() if latest else None,
            },
            "shred_list_entries": len(c.shred_list),
            "projections": {s.name: s.checksum for s in c.runner.status()},
            "files": {image.name: image_sha256(image)},
        }
        digest = write_archive(out, manifest, image)
    taken = BackupTaken.record(
        backup_id=backup_id,
        file_sha256=digest,
        event_head=head,
        tree_size=manifest["audit"]["tree_size"],
        root=manifest["audit"]["root_hash"] or "",
        ctx=ctx,
    )
    c.app.save_all(taken)  # projected and sealed by the unit of work after the handler
    return BackupResult(out, digest, manifest)


def _reapply_shred_list(c: Container) -> list[ErasedKey]:
    """Destroy again every listed key the restored image still holds."""
    reapplied: list[ErasedKey] = []
    for entry in c.shred_list.entries():
        if c.keystore.destroy(entry.key_id, record=False):
            parts = entry.key_id.split(":")
            scope = "identity" if parts[0] == "taxpayer" and len(parts) == 2 else parts[0]
            if scope == "taxpayer":
                scope = "year"
            if scope == "identity":
                c.key_inventory.forget_vault_entry(parts[1])
            reapplied.append(ErasedKey(entry.key_id, scope))
    return reapplied


def restore_backup(
    archive: Path, to_url: str, cfg: Settings, ctx: CommandContext, *, witness: Path | None = None
) -> RestoreResult:
    target_cfg = cfg.model_copy(update={"database_url": to_url})
    store = parse_database_url(to_url)
    ensure_empty_target(store, to_url)
    with tempfile.TemporaryDirectory() as work:
        manifest, image = read_archive(archive, Path(work))
        restore_image(store, to_url, manifest, image)
    c = build(target_cfg, upgrade=True)
    try:
        return _after_restore(c, manifest, ctx, witness)
    finally:
        c.close()


def _after_restore(
    c: Container, manifest: BackupManifest, ctx: CommandContext, witness: Path | None
) -> RestoreResult:
    result = RestoreResult(target=c.store.describe(), backup_id=manifest.backup_id)
    if c.app.head() < manifest.event_head:
        raise BackupError(
            f"復元したイベントログの先頭 {c.app.head()} がマニフェストの {manifest.event_head} より前です。"
        )
    # The image's own log must verify before anything is added to it.
    before = verify(c)
    if not before.ok:
        raise BackupError(
            f"復元したイベントログが検証できません: 位置 {before.first_bad_position}: {before.reason}"
        )
    stored = {cp.tree_size: cp for cp in load_checkpoints(c)}
    at_size = stored.get(manifest.tree_size)
    result.manifest_root_matches = (manifest.tree_size == 0 and manifest.root_hash is None) or (
        at_size is not None and at_size.root_hash.hex() == manifest.root_hash
    )
    reapplied = _reapply_shred_list(c)
    result.reapplied = [key.key_id for key in reapplied]
    c.app.save_all(
        BackupRestored.record(
            backup_id=manifest.backup_id,
            event_head=manifest.event_head,
            tree_size=manifest.tree_size,
            reapplied=tuple(reapplied),
            ctx=ctx,
        )
    )
    c.runner.rebuild_many(list(c.runner.projections))
    seal(c)
    with tempfile.TemporaryDirectory() as work:
        report = verify(c, witness=_witness_up_to(witness, manifest, result, Path(work)))
    result.verify = report.to_json()
    result.projections = {s.name: s.checksum for s in c.runner.status()}
    result.projections_equal_backup = result.projections == manifest.projections
    result.ok = report.ok and result.manifest_root_matches
    return result


def _witness_up_to(
    witness: Path | None, manifest: BackupManifest, result: RestoreResult, work: Path
) -> Path | None:
    """The witness's checkpoints the restored log must match: those no larger than the backup's tree.

    Checkpoints beyond it describe events made after the backup, which a restore to that backup cannot
    contain: they are reported (how many events were lost), not treated as tampering."""
    if witness is None:
        return None
    checkpoints = load_witness(witness)
    within = [cp for cp in checkpoints if cp.tree_size <= manifest.tree_size]
    beyond = [cp for cp in checkpoints if cp.tree_size > manifest.tree_size]
    result.witness_beyond_backup = len(beyond)
    result.events_lost_since_backup = max((cp.tree_size for cp in beyond), default=manifest.tree_size) - (
        manifest.tree_size
    )
    data = json.loads(witness.read_text(encoding="utf-8"))
    data["checkpoints"] = [cp.to_json() for cp in within]
    filtered = work / "witness-within-backup.json"
    filtered.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return filtered


def fresh_rebuild_checksums(cfg: Settings) -> dict[str, str]:
    """Checksums of every read model rebuilt from the log (for drills: compare with a restore)."""
    c = build(cfg)
    try:
        c.runner.rebuild_many(list(c.runner.projections))
        return {s.name: s.checksum for s in c.runner.status()}
    finally:
        c.close()
