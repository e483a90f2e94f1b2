"""バックアップの記録: who took a backup of the whole store and who restored one (seed III-3 保管・消去,
IV-1 監査; issue 17, ADR 0019).

A backup holds every resident's (encrypted) data, so taking one and restoring one are recorded like any
other handling of personal data: actor, purpose, command id, and what the copy contained (event head,
Merkle tree size and root). A restore also records the erasures it re-applied from the shred list
(消去の再適用): data keys destroyed after the backup was taken are destroyed again, so an erasure under
地方税法 第17条の5・第18条 survives the restore. No field holds personal data.

Each aggregate here is a record and nothing more: its one ``Recorded`` event holds what happened and no
later event changes it, so the aggregates keep no state of their own.
"""

from eventsourcing.domain import Aggregate

from domain.retention.policy import ErasedKey
from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext
from domain.shared.ids import deterministic_id

REAPPLIED_BASIS = (
    "バックアップ取得後に消去された鍵の再消去（消去の再適用: 保存期間経過による消去を復元後も維持）"
)


class BackupTaken(Aggregate):
    """バックアップ取得: one per ``juminzei backup create``."""

    TOPIC = "juminzei.operations.BackupTaken"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.operations.BackupTaken.Created"

    class Recorded(Created):
        TOPIC = "juminzei.operations.BackupTaken.Recorded"
        backup_id: str
        file_sha256: str
        event_head: int
        tree_size: int
        root: str

    @classmethod
    def record(
        cls,
        *,
        backup_id: str,
        file_sha256: str,
        event_head: int,
        tree_size: int,
        root: str,
        ctx: CommandContext,
    ) -> "BackupTaken":
        return cls._create(
            cls.Recorded,
            id=deterministic_id("backup-taken", backup_id),
            backup_id=backup_id,
            file_sha256=file_sha256,
            event_head=event_head,
            tree_size=tree_size,
            root=root,
            **ctx.event_fields(),
        )


class BackupRestored(Aggregate):
    """バックアップからの復元: one per ``juminzei backup restore`` (recorded in the restored store)."""

    TOPIC = "juminzei.operations.BackupRestored"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.operations.BackupRestored.Created"

    class Recorded(Created):
        TOPIC = "juminzei.operations.BackupRestored.Recorded"
        backup_id: str
        event_head: int
        tree_size: int
        basis: str
        reapplied: tuple[ErasedKey, ...]

    @classmethod
    def record(
        cls,
        *,
        backup_id: str,
        event_head: int,
        tree_size: int,
        reapplied: tuple[ErasedKey, ...],
        ctx: CommandContext,
    ) -> "BackupRestored":
        return cls._create(
            cls.Recorded,
            id=deterministic_id("backup-restored", backup_id, ctx.command_id),
            backup_id=backup_id,
            event_head=event_head,
            tree_size=tree_size,
            basis=REAPPLIED_BASIS,
            reapplied=reapplied,
            **ctx.event_fields(),
        )


class MasterKeyRotated(Aggregate):
    """マスター鍵の更新: every data key and system secret rewrapped under a new master key (ADR 0019).

    ``new_key_id`` is the first 8 hex digits of SHA-256 of the new key: enough to tell keys apart in
    custody records, useless for recovering it.
    """

    TOPIC = "juminzei.operations.MasterKeyRotated"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.operations.MasterKeyRotated.Created"

    class Recorded(Created):
        TOPIC = "juminzei.operations.MasterKeyRotated.Recorded"
        rewrapped: int
        new_key_id: str

    @classmethod
    def record(cls, *, rewrapped: int, new_key_id: str, ctx: CommandContext) -> "MasterKeyRotated":
        return cls._create(
            cls.Recorded,
            id=deterministic_id("master-key-rotated", ctx.command_id),
            rewrapped=rewrapped,
            new_key_id=new_key_id,
            **ctx.event_fields(),
        )
