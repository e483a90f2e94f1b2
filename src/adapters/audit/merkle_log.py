"""The tamper-evident audit log: an RFC 9162 Merkle log over the stored events (DESIGN §7, ADR 0008).

**What is hashed.** One leaf per stored event, in notification order. The leaf data is the canonical
encoding of the *stored* event (personal fields are already ciphertext, ADR 0004), never plaintext::

    0x01                                   leaf encoding version (1 byte)
    notification_id                        unsigned 64-bit big-endian
    originator_version                     unsigned 64-bit big-endian
    len ‖ originator_id                    32-bit big-endian byte length, UTF-8 of the canonical
                                           lowercase hyphenated UUID (``str(uuid)``)
    len ‖ topic                            32-bit big-endian byte length, UTF-8
    len ‖ state                            32-bit big-endian byte length, the stored bytes as is

and the leaf hash is ``SHA-256(0x00 ‖ data)`` (``domain.audit.merkle.leaf_hash``). Because the state is
ciphertext, destroying a data key (crypto-shredding) changes nothing that is hashed.

**The integrator** (``seal``) is the only writer. It reads the notification log after the last sealed
position in pages, appends ``audit_leaves`` rows (leaf index without gaps, the notification id it covers,
the hash) and one signed checkpoint, all in one transaction; a run that finds nothing new writes nothing.
It relies on the store's guarantee that insert order is commit order (PostgreSQL: ``LOCK TABLE … IN
EXCLUSIVE MODE`` around inserts, ADR 0002; SQLite: one writer), so a committed position is never
followed later by a smaller one; notification ids can still have gaps (rolled-back inserts), which is
why leaves are indexed by their order and record the id they cover. Concurrent sealers are serialised
(PostgreSQL advisory transaction lock; SQLite ``BEGIN IMMEDIATE``) and the primary keys refuse doubles.

**Checkpoints** are C2SP-style signed notes (https://github.com/C2SP/C2SP/blob/main/tlog-checkpoint.md)::

    juminzei/audit-log
    <tree size>
    <base64 root hash>
    time <UTC timestamp>
    position <notification id of the last leaf>

signed with Ed25519 (``adapters.audit.signing``). Each stored checkpoint also keeps the RFC 9162
consistency proof from its predecessor, so the chain of checkpoints can be checked without the events.

**Verification** (``verify``) trusts nothing stored in the audit tables: it recomputes every leaf from the
event rows, every checkpoint root from those leaves, checks signatures, the consistency proofs between
successive checkpoints, and optionally checkpoints a witness kept (docs/audit-log.md). Memory stays
bounded: events and leaves are read in pages and the tree is carried as a ``Frontier`` (O(log n)).
"""

from __future__ import annotations

import base64
import json
import os
import re
import struct
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from adapters.audit.signing import (
    KEY_NAME,
    AuditKeyError,
    SigningKey,
    VerifyingKey,
    default_key_path,
    load_or_create_signing_key,
    load_signing_key,
    load_verifying_key,
    public_key_path,
)
from adapters.settings import Settings
from application.ports import Cursor, SqlDatabase
from domain.audit.merkle import Frontier, consistency_proof_ranges, leaf_hash, verify_consistency

ORIGIN = "juminzei/audit-log"
LEAF_ENCODING_VERSION = 1
WITNESS_FORMAT = "juminzei-audit-witness/v1"
PAGE_SIZE = 500
MAX_LEAVES_PER_CHECKPOINT = 50_000
#: Key of the PostgreSQL advisory lock that makes the integrator single (any fixed 64-bit value).
_PG_LOCK_KEY = 7_215_030_007
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


class AuditLogError(RuntimeError):
    """The audit tables are not in a state the integrator may extend (run ``juminzei audit verify``)."""


# -- sources ------------------------------------------------------------------------------------------


class EventLog(Protocol):
    """What the audit log needs of the application: its recorder and head position."""

    @property
    def recorder(self) -> Any: ...

    def head(self) -> int: ...


class AuditSource(Protocol):
    """A ``Container`` (interfaces.bootstrap) or anything with the same three attributes."""

    @property
    def app(self) -> Any: ...

    @property
    def db(self) -> Any: ...

    @property
    def settings(self) -> Settings: ...


@dataclass(frozen=True)
class AuditParts:
    """The explicit parts: the application, the database holding the audit tables, the key file."""

    app: EventLog
    db: SqlDatabase
    key_path: Path


def audit_parts(source: AuditSource | AuditParts) -> AuditParts:
    if isinstance(source, AuditParts):
        return source
    return AuditParts(app=source.app, db=source.db, key_path=default_key_path(source.settings))


# -- leaves -------------------------------------------------------------------------------------------


def _length_prefixed(data: bytes) -> bytes:
    if len(data) > 0xFFFFFFFF:
        raise ValueError("a leaf field longer than 4 GiB cannot be encoded")
    return struct.pack(">I", len(data)) + data


def canonical_originator_id(originator_id: object) -> str:
    """``str(UUID)`` (lowercase, hyphenated) whatever form the store returns; other ids as text."""
    if isinstance(originator_id, uuid.UUID):
        return str(originator_id)
    text = str(originator_id)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text


def encode_leaf(
    notification_id: int, originator_id: object, originator_version: int, topic: str, state: bytes
) -> bytes:
    """The canonical leaf data of one stored event (see the module docstring)."""
    return b"".join(
        (
            bytes((LEAF_ENCODING_VERSION,)),
            struct.pack(">QQ", notification_id, originator_version),
            _length_prefixed(canonical_originator_id(originator_id).encode("utf-8")),
            _length_prefixed(topic.encode("utf-8")),
            _length_prefixed(bytes(state)),
        )
    )


def notification_leaf_hash(notification: Any) -> bytes:
    return leaf_hash(
        encode_leaf(
            int(notification.id),
            notification.originator_id,
            int(notification.originator_version),
            str(notification.topic),
            bytes(notification.state),
        )
    )


def _iter_notifications(app: EventLog, start: int, page_size: int) -> Iterator[Any]:
    """Stored events from position ``start`` on, one page in memory at a time."""
    position = start
    while True:
        page = app.recorder.select_notifications(start=position, limit=page_size)
        if not page:
            return
        yield from page
        if len(page) < page_size:
            return
        position = int(page[-1].id) + 1


# -- checkpoints --------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head."""

    tree_size: int
    root_hash: bytes
    last_position: int
    timestamp: str
    key_id: str
    signature: bytes
    origin: str = ORIGIN
    previous_size: int = 0
    consistency_proof: tuple[bytes, ...] = ()

    def body(self) -> bytes:
        """The signed text (C2SP checkpoint body plus two extension lines)."""
        return checkpoint_body(
            self.origin, self.tree_size, self.root_hash, self.timestamp, self.last_position
        )

    def signed_note(self) -> str:
        """The body and its signature line, as a witness or a C2SP note verifier reads it."""
        key_hash = bytes.fromhex(self.key_id) if re.fullmatch(r"[0-9a-f]{8}", self.key_id) else b""
        return self.body().decode("utf-8") + f"\n\u2014 {KEY_NAME} {_b64(key_hash + self.signature)}\n"

    def signature_valid(self, key: VerifyingKey) -> bool:
        return self.key_id == key.key_id and key.verify(self.body(), self.signature)

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "last_position": self.last_position,
            "timestamp": self.timestamp,
            "key_id": self.key_id,
            "signature": _b64(self.signature),
            "previous_size": self.previous_size,
            "consistency_proof": [p.hex() for p in self.consistency_proof],
            "note": self.signed_note(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checkpoint:
        return cls(
            origin=str(data["origin"]),
            tree_size=int(data["tree_size"]),
            root_hash=bytes.fromhex(str(data["root_hash"])),
            last_position=int(data["last_position"]),
            timestamp=str(data["timestamp"]),
            key_id=str(data["key_id"]),
            signature=base64.b64decode(str(data["signature"])),
            previous_size=int(data.get("previous_size", 0)),
            consistency_proof=tuple(bytes.fromhex(p) for p in data.get("consistency_proof", [])),
        )


def checkpoint_body(
    origin: str, tree_size: int, root_hash: bytes, timestamp: str, last_position: int
) -> bytes:
    return f"{origin}\n{tree_size}\n{_b64(root_hash)}\ntime {timestamp}\nposition {last_position}\n".encode()


def sign_checkpoint(
    key: SigningKey,
    *,
    tree_size: int,
    root_hash: bytes,
    last_position: int,
    timestamp: str,
    previous_size: int = 0,
    consistency_proof: Sequence[bytes] = (),
    origin: str = ORIGIN,
) -> Checkpoint:
    body = checkpoint_body(origin, tree_size, root_hash, timestamp, last_position)
    return Checkpoint(
        origin=origin,
        tree_size=tree_size,
        root_hash=root_hash,
        last_position=last_position,
        timestamp=timestamp,
        key_id=key.public().key_id,
        signature=key.sign(body),
        previous_size=previous_size,
        consistency_proof=tuple(consistency_proof),
    )


_CHECKPOINT_COLUMNS = (
    "tree_size, origin, root_hash, last_notification_id, created_at, key_id, signature, previous_size,"
    " consistency_proof, frontier"
)


def _split_hashes(text: str) -> tuple[bytes, ...]:
    return tuple(bytes.fromhex(h) for h in text.split(",") if h)


def _checkpoint_from_row(row: Sequence[Any]) -> tuple[Checkpoint, str]:
    checkpoint = Checkpoint(
        tree_size=int(row[0]),
        origin=str(row[1]),
        root_hash=bytes.fromhex(str(row[2])),
        last_position=int(row[3]),
        timestamp=str(row[4]),
        key_id=str(row[5]),
        signature=base64.b64decode(str(row[6])),
        previous_size=int(row[7]),
        consistency_proof=_split_hashes(str(row[8])),
    )
    return checkpoint, str(row[9])


def _insert_checkpoint(cur: Cursor, checkpoint: Checkpoint, frontier: Frontier) -> None:
    cur.execute(
        f"INSERT INTO audit_checkpoints ({_CHECKPOINT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            checkpoint.tree_size,
            checkpoint.origin,
            checkpoint.root_hash.hex(),
            checkpoint.last_position,
            checkpoint.timestamp,
            checkpoint.key_id,
            _b64(checkpoint.signature),
            checkpoint.previous_size,
            ",".join(p.hex() for p in checkpoint.consistency_proof),
            ",".join(h.hex() for h in frontier.hashes),
        ),
    )


def _latest_checkpoint(cur: Cursor) -> tuple[Checkpoint, str] | None:
    cur.execute(f"SELECT {_CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1")
    row = cur.fetchone()
    return _checkpoint_from_row(row) if row else None


def load_checkpoints(source: AuditSource | AuditParts) -> list[Checkpoint]:
    """Every stored checkpoint, smallest tree first."""
    with audit_parts(source).db.transaction() as cur:
        return _load_checkpoints(cur)


def _load_checkpoints(cur: Cursor) -> list[Checkpoint]:
    cur.execute(f"SELECT {_CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY tree_size")
    return [_checkpoint_from_row(row)[0] for row in cur.fetchall()]


def _lock(cur: Cursor, dialect: str) -> None:
    if dialect == "postgres":
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK_KEY,))


def _last_leaf(cur: Cursor) -> tuple[int, int] | None:
    """(leaf_index, notification_id) of the last leaf row."""
    cur.execute("SELECT leaf_index, notification_id FROM audit_leaves ORDER BY leaf_index DESC LIMIT 1")
    row = cur.fetchone()
    return (int(row[0]), int(row[1])) if row else None


def sealed_position(source: AuditSource | AuditParts) -> int:
    """Notification id of the last event sealed into the log (0 when none): ``head - this`` is the seal lag."""
    parts = audit_parts(source)
    with parts.db.transaction() as cur:
        last = _last_leaf(cur)
    return last[1] if last else 0


def _range_root(cur: Cursor, start: int, end: int, page_size: int) -> bytes:
    """MTH of stored leaves ``[start, end)``, streamed."""
    frontier = Frontier()
    position = start
    while position < end:
        cur.execute(
            "SELECT leaf_index, leaf_hash FROM audit_leaves WHERE leaf_index >= %s AND leaf_index < %s"
            " ORDER BY leaf_index LIMIT %s",
            (position, end, page_size),
        )
        rows = cur.fetchall()
        if not rows:
            break
        for index, digest in rows:
            if int(index) != position:
                raise AuditLogError(f"audit_leaves has no row for leaf {position}")
            frontier.append(bytes.fromhex(str(digest)))
            position += 1
    if frontier.size != end - start:
        raise AuditLogError(f"audit_leaves is missing leaves in [{start}, {end})")
    return frontier.root()


# -- seal ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SealResult:
    previous_size: int
    tree_size: int
    sealed: int
    checkpoints: int
    root_hash: str
    last_position: int
    key_id: str | None
    key_created: bool = False
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "previous_size": self.previous_size,
            "tree_size": self.tree_size,
            "sealed": self.sealed,
            "checkpoints": self.checkpoints,
            "root_hash": self.root_hash,
            "last_position": self.last_position,
            "key_id": self.key_id,
            "key_created": self.key_created,
        }


def _extendable_state(
    cur: Cursor, latest: tuple[Checkpoint, str] | None, key: SigningKey | None, key_path: Path
) -> tuple[Frontier, int, Checkpoint | None]:
    """Frontier and last position to extend from, after checking the latest checkpoint and leaf rows."""
    last_leaf = _last_leaf(cur)
    if latest is None:
        if last_leaf is not None:
            raise AuditLogError(
                "監査ログにチェックポイントのない葉があります (audit_leaves has rows but no checkpoint):"
                " run `juminzei audit verify`"
            )
        return Frontier(), 0, None
    checkpoint, frontier_text = latest
    if key is None:
        raise AuditKeyError(
            f"監査ログの署名鍵がありません (the checkpoint signing key {key_path} is missing, but the log has"
            f" checkpoints signed by key {checkpoint.key_id}); restore the key file"
        )
    if not checkpoint.signature_valid(key.public()):
        raise AuditLogError(
            f"最新のチェックポイント (tree size {checkpoint.tree_size}) の署名を検証できません: the latest checkpoint"
            f" is not signed by the key in {key_path}; run `juminzei audit verify`"
        )
    try:
        frontier = Frontier(checkpoint.tree_size, _split_hashes(frontier_text))
    except ValueError as error:
        raise AuditLogError(
            "the latest checkpoint's frontier is damaged; run `juminzei audit verify`"
        ) from error
    if frontier.root() != checkpoint.root_hash or last_leaf != (
        checkpoint.tree_size - 1,
        checkpoint.last_position,
    ):
        raise AuditLogError(
            "監査ログの葉と最新のチェックポイントが一致しません (leaf rows or frontier disagree with the latest"
            " checkpoint); run `juminzei audit verify`"
        )
    return frontier, checkpoint.last_position, checkpoint


def seal(
    source: AuditSource | AuditParts,
    *,
    page_size: int = PAGE_SIZE,
    max_leaves_per_checkpoint: int = MAX_LEAVES_PER_CHECKPOINT,
    clock: Callable[[], datetime] | None = None,
) -> SealResult:
    """Seal every stored event not yet in the log; idempotent and incremental.

    Each round appends at most ``max_leaves_per_checkpoint`` leaves and one signed checkpoint in one
    transaction, so a long backlog commits in bounded steps. Raises ``AuditLogError`` / ``AuditKeyError``
    rather than extend a log whose latest checkpoint or leaf rows do not check out.
    """
    parts = audit_parts(source)
    clock = clock or (lambda: datetime.now(UTC))
    key = load_signing_key(parts.key_path)
    key_created = False
    warnings: list[str] = []
    sealed = 0
    checkpoints = 0
    previous_size: int | None = None
    tree_size = 0
    root_hex = Frontier().root().hex()
    last_position = 0
    while True:
        with parts.db.transaction() as cur:
            _lock(cur, parts.db.dialect)
            latest = _latest_checkpoint(cur)
            frontier, last_position, checkpoint = _extendable_state(cur, latest, key, parts.key_path)
            old_size = frontier.size
            old_nodes = dict(frontier.nodes())
            if previous_size is None:
                previous_size = old_size
            tree_size, root_hex = old_size, frontier.root().hex()
            rows: list[tuple[int, int, str]] = []
            added = 0
            for notification in _iter_notifications(
                parts.app, last_position + 1, min(page_size, max_leaves_per_checkpoint)
            ):
                digest = notification_leaf_hash(notification)
                rows.append((frontier.size, int(notification.id), digest.hex()))
                frontier.append(digest)
                last_position = int(notification.id)
                added += 1
                if len(rows) >= page_size:
                    _insert_leaves(cur, rows)
                    rows = []
                if added >= max_leaves_per_checkpoint:
                    break
            if rows:
                _insert_leaves(cur, rows)
            if added == 0:
                break
            if key is None:
                key, key_created = load_or_create_signing_key(parts.key_path)
                if key_created:
                    warning = (
                        f"WARNING: generated the audit checkpoint signing key {parts.key_path} (Ed25519). Keep it"
                        f" outside the database and give {public_key_path(parts.key_path)} to the witness;"
                        " a lost key cannot sign the log again."
                    )
                    warnings.append(warning)
                    print(warning, file=sys.stderr)
            proof = [
                old_nodes[(a, b)] if (a, b) in old_nodes else _range_root(cur, a, b, page_size)
                for a, b in consistency_proof_ranges(old_size, frontier.size)
            ]
            moment = _timestamp(clock())
            if checkpoint is not None and moment < checkpoint.timestamp:
                moment = checkpoint.timestamp  # never let a clock step make the chain go backwards
            new = sign_checkpoint(
                key,
                tree_size=frontier.size,
                root_hash=frontier.root(),
                last_position=last_position,
                timestamp=moment,
                previous_size=old_size,
                consistency_proof=proof,
            )
            _insert_checkpoint(cur, new, frontier)
            sealed += added
            checkpoints += 1
            tree_size, root_hex = new.tree_size, new.root_hash.hex()
        if added < max_leaves_per_checkpoint:
            break
    settings = getattr(source, "settings", None)
    if settings is not None and (settings.witness_file or settings.witness_url):
        # Every new signed checkpoint also goes to the witnesses outside this database (ADR 0021).
        from adapters.audit.witness import sync_witnesses

        sync_witnesses(parts, settings)
    return SealResult(
        previous_size=previous_size or 0,
        tree_size=tree_size,
        sealed=sealed,
        checkpoints=checkpoints,
        root_hash=root_hex,
        last_position=last_position,
        key_id=key.public().key_id if key else None,
        key_created=key_created,
        warnings=tuple(warnings),
    )


def _insert_leaves(cur: Cursor, rows: Sequence[tuple[int, int, str]]) -> None:
    cur.executemany(
        "INSERT INTO audit_leaves (leaf_index, notification_id, leaf_hash) VALUES (%s, %s, %s)", rows
    )


# -- verify -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One finding. ``leaf_index`` is the first leaf it puts in doubt; ``position`` its notification id."""

    leaf_index: int
    reason: str
    position: int | None = None
    rank: int = 0


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    tree_size: int
    head: int
    checkpoints: int
    checkpoints_checked: int
    first_bad_position: int | None
    first_bad_leaf: int | None
    reason: str | None
    unsealed_tail: int
    witness_checked: int = 0
    problems: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "tree_size": self.tree_size,
            "head": self.head,
            "checkpoints": self.checkpoints_checked,
            "first_bad_position": self.first_bad_position,
            "reason": self.reason,
            "unsealed_tail": self.unsealed_tail,
            "first_bad_leaf": self.first_bad_leaf,
            "checkpoints_stored": self.checkpoints,
            "witness_checked": self.witness_checked,
            "problems": list(self.problems),
        }


def _check_chain(
    checkpoints: Sequence[Checkpoint], key: VerifyingKey | None, *, label: str, allow_gaps: bool
) -> tuple[list[Problem], set[int]]:
    """Signatures, origin, timestamps and consistency proofs between successive checkpoints."""
    problems: list[Problem] = []
    good: set[int] = set()
    previous: Checkpoint | None = None
    for checkpoint in checkpoints:
        start = previous.tree_size if previous else 0
        size = checkpoint.tree_size
        before = len(problems)
        if key is None:
            problems.append(
                Problem(
                    start,
                    f"{label} {size}: 公開鍵がないため署名を検証できません (no public key to check the signature)",
                )
            )
        elif checkpoint.key_id != key.key_id:
            problems.append(
                Problem(
                    start,
                    f"{label} {size}: 別の鍵 ({checkpoint.key_id}) で署名されています (signed by another key than"
                    f" {key.key_id}: forged or the key was replaced)",
                )
            )
        elif not checkpoint.signature_valid(key):
            problems.append(
                Problem(
                    start,
                    f"{label} {size}: 署名が一致しません (signature invalid: the checkpoint was forged or altered)",
                )
            )
        if checkpoint.origin != ORIGIN:
            problems.append(Problem(start, f"{label} {size}: unknown origin {checkpoint.origin!r}"))
        if not _TIMESTAMP.match(checkpoint.timestamp) or (
            previous is not None and checkpoint.timestamp < previous.timestamp
        ):
            problems.append(
                Problem(
                    start,
                    f"{label} {size}: 時刻が前のチェックポイントより前です (timestamp {checkpoint.timestamp} goes"
                    " backwards or is malformed: a rolled-back or replayed checkpoint)",
                )
            )
        if size <= start:
            problems.append(Problem(start, f"{label} {size}: tree size does not grow"))
        elif checkpoint.previous_size != start:
            if not allow_gaps:
                problems.append(
                    Problem(
                        min(start, checkpoint.previous_size),
                        f"{label} {size}: 直前のチェックポイント (tree size {checkpoint.previous_size}) がありません"
                        f" (it was sealed after size {checkpoint.previous_size}, but the stored predecessor has size"
                        f" {start}: a checkpoint was deleted)",
                    )
                )
        elif previous is not None and not verify_consistency(
            start, size, previous.root_hash, checkpoint.root_hash, checkpoint.consistency_proof
        ):
            problems.append(
                Problem(
                    start,
                    f"{label} {size}: tree size {start} のチェックポイントと整合しません (RFC 9162 consistency proof"
                    f" from size {start} fails: the log was rewritten below size {start} and re-signed)",
                )
            )
        if len(problems) == before:
            good.add(size)
        previous = checkpoint
    return problems, good


class _ProofBuilder:
    """Computes, while leaves stream past, a consistency proof from ``old_size`` to ``new_size``."""

    def __init__(self, old_size: int, new_size: int) -> None:
        self.old_size = old_size
        self.new_size = new_size
        self.ranges = consistency_proof_ranges(old_size, new_size)
        self._pending = sorted(r for r in self.ranges if r[0] >= old_size)
        self._done: dict[tuple[int, int], bytes] = {}
        self._current: Frontier | None = None

    def feed(self, index: int, digest: bytes, frontier: Frontier) -> None:
        if frontier.size == self.old_size:
            for span, node in frontier.nodes():
                self._done[span] = node
        if self._pending and self._pending[0][0] <= index < self._pending[0][1]:
            if self._current is None:
                self._current = Frontier()
            self._current.append(digest)
            if index + 1 == self._pending[0][1]:
                self._done[self._pending.pop(0)] = self._current.root()
                self._current = None

    def proof(self) -> list[bytes] | None:
        if any(r not in self._done for r in self.ranges):
            return None
        return [self._done[r] for r in self.ranges]


def _resolve_key(parts: AuditParts, public_key: Path | VerifyingKey | None) -> VerifyingKey | None:
    if isinstance(public_key, VerifyingKey):
        return public_key
    return load_verifying_key(public_key or parts.key_path)


def load_witness(path: Path) -> list[Checkpoint]:
    """Checkpoints from a witness file written by ``export_checkpoints``, smallest tree first."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != WITNESS_FORMAT:
        raise ValueError(f"{path} is not a {WITNESS_FORMAT} file")
    return sorted((Checkpoint.from_json(c) for c in data["checkpoints"]), key=lambda c: c.tree_size)


@dataclass(frozen=True)
class _Snapshot:
    """What ``verify`` reads of the audit tables in one consistent transaction."""

    checkpoints: list[Checkpoint]
    leaf_count: int
    last_sealed_position: int

    @property
    def latest(self) -> Checkpoint | None:
        return self.checkpoints[-1] if self.checkpoints else None


@dataclass
class _Walk:
    """The outcome of streaming the leaf rows beside the events (step 3 of ``verify``)."""

    frontier: Frontier = field(default_factory=Frontier)
    recomputed_roots: dict[int, bytes] = field(default_factory=dict)
    roots_ok: set[int] = field(default_factory=set)
    stopped: bool = False
    last_position: int = 0


def verify(
    source: AuditSource | AuditParts,
    *,
    witness: Path | Sequence[Checkpoint] | None = None,
    public_key: Path | VerifyingKey | None = None,
    page_size: int = PAGE_SIZE,
) -> VerifyReport:
    """Recompute the log from the stored events and check every checkpoint (and a witness's, if given).

    Steps: (1) read the key and a consistent snapshot of the audit tables; (2) check the checkpoint
    chain (signatures, timestamps, RFC 9162 consistency) and the witness's; (3) stream leaf rows and
    events side by side, recomputing the tree and every checkpoint's root; (4) check that checkpoints
    cover exactly the leaves; (5) check the witnessed checkpoints against today's log; (6) report the
    first problem by leaf (then rank), with its event position."""
    parts = audit_parts(source)
    problems: list[Problem] = []
    key = _verification_key(parts, public_key, problems)
    snapshot = _read_snapshot(parts)
    head = int(parts.app.head())

    chain_problems, chain_good = _check_chain(
        snapshot.checkpoints, key, label="チェックポイント checkpoint", allow_gaps=False
    )
    problems += chain_problems
    witnessed = _load_witnessed(witness, key, problems)
    latest = snapshot.latest
    anchor = max(
        (w for w in witnessed if latest and w.tree_size <= latest.tree_size),
        key=lambda w: w.tree_size,
        default=None,
    )
    proof_builder: _ProofBuilder | None = None
    if anchor is not None and latest is not None and latest.tree_size <= snapshot.leaf_count:
        proof_builder = _ProofBuilder(anchor.tree_size, latest.tree_size)

    walk = _walk_leaves(parts, snapshot, {w.tree_size for w in witnessed}, proof_builder, page_size, problems)
    if not walk.stopped:
        _check_coverage(snapshot, walk, problems)
    witness_checked, matched_before = _check_witnessed(witnessed, walk, problems)
    if proof_builder is not None and anchor is not None and latest is not None and not walk.stopped:
        _check_anchor_consistency(proof_builder, anchor, latest, matched_before, problems)

    checked = len(
        [c for c in snapshot.checkpoints if c.tree_size in chain_good and c.tree_size in walk.roots_ok]
    )
    return _report(
        parts,
        snapshot,
        problems,
        head=head,
        checked=checked,
        witness_checked=witness_checked,
        unsealed=_count_events_after(parts.app, snapshot.last_sealed_position, page_size),
    )


def _verification_key(
    parts: AuditParts, public_key: Path | VerifyingKey | None, problems: list[Problem]
) -> VerifyingKey | None:
    try:
        return _resolve_key(parts, public_key)
    except AuditKeyError as error:
        problems.append(Problem(0, f"公開鍵を読めません (cannot read the public key: {error})"))
        return None


def _read_snapshot(parts: AuditParts) -> _Snapshot:
    """A consistent snapshot of the audit tables (serialised with the integrator)."""
    with parts.db.transaction() as cur:
        _lock(cur, parts.db.dialect)
        checkpoints = _load_checkpoints(cur)
        last_leaf = _last_leaf(cur)
    return _Snapshot(
        checkpoints=checkpoints,
        leaf_count=last_leaf[0] + 1 if last_leaf else 0,
        last_sealed_position=last_leaf[1] if last_leaf else 0,
    )


def _load_witnessed(
    witness: Path | Sequence[Checkpoint] | None, key: VerifyingKey | None, problems: list[Problem]
) -> list[Checkpoint]:
    """The witness's checkpoints, smallest first, after checking their own chain (gaps allowed)."""
    if witness is None:
        return []
    witnessed: list[Checkpoint] = []
    try:
        witnessed = (
            load_witness(witness) if isinstance(witness, Path) else sorted(witness, key=lambda c: c.tree_size)
        )
    except (OSError, ValueError, KeyError) as error:
        problems.append(Problem(0, f"証人ファイルを読めません (cannot read the witness file: {error})"))
    witness_problems, _ = _check_chain(
        witnessed, key, label="証人のチェックポイント witnessed checkpoint", allow_gaps=True
    )
    problems += witness_problems
    return witnessed


def _leaf_row_problem(
    index: int, position: int, stored: str, event: Any, walk: _Walk
) -> tuple[Problem | None, bytes]:
    """Compare one leaf row with the event at its position: the problem (which stops the walk) or the
    event's leaf hash."""
    expected = walk.frontier.size
    if index != expected:
        return Problem(
            expected,
            f"葉 {expected} の行がありません (audit_leaves has no row for leaf {expected}: leaf rows deleted)",
            position=walk.last_position + 1,
            rank=1,
        ), b""
    if event is None or int(event.id) > position:
        return Problem(
            index,
            f"位置 {position} のイベントが削除されています (the event at position {position}, sealed as leaf"
            f" {index}, is missing: deleted or truncated)",
            position=position,
            rank=1,
        ), b""
    if int(event.id) < position:
        return Problem(
            index,
            f"位置 {event.id} のイベントは封印されていません (the event at position {event.id} is not in the"
            f" sealed log, where leaf {index} covers position {position}: inserted or renumbered)",
            position=int(event.id),
            rank=1,
        ), b""
    digest = notification_leaf_hash(event)
    if digest.hex() != stored:
        return Problem(
            index,
            f"位置 {position} のイベントが改ざんされています (the stored event at position {position} does not"
            f" hash to leaf {index}: modified, or swapped with another event)",
            position=position,
            rank=1,
        ), b""
    return None, digest


def _checkpoint_root_problem(
    checkpoint: Checkpoint, start: int, root: bytes, position: int
) -> Problem | None:
    """A stored checkpoint against the tree recomputed up to its size (whose last leaf is ``position``)."""
    size = checkpoint.tree_size
    if root != checkpoint.root_hash:
        return Problem(
            start,
            f"チェックポイント {size} の根ハッシュが再計算と一致しません (the checkpoint's root does not match"
            f" the tree recomputed from the events: events and leaf rows were rewritten within leaves"
            f" {start}..{size - 1})",
            rank=2,
        )
    if checkpoint.last_position != position:
        return Problem(
            start,
            f"チェックポイント {size} の位置が一致しません (the checkpoint names position"
            f" {checkpoint.last_position}, its last leaf covers position {position})",
            rank=2,
        )
    return None


def _walk_leaves(
    parts: AuditParts,
    snapshot: _Snapshot,
    witness_sizes: set[int],
    proof_builder: _ProofBuilder | None,
    page_size: int,
    problems: list[Problem],
) -> _Walk:
    """Stream leaf rows and events side by side, rebuilding the tree; stop at the first bad leaf."""
    checkpoints = snapshot.checkpoints
    by_size = {c.tree_size: c for c in checkpoints}
    starts = {c.tree_size: (checkpoints[i - 1].tree_size if i else 0) for i, c in enumerate(checkpoints)}
    walk = _Walk()
    events = _iter_notifications(parts.app, 1, page_size)
    event = next(events, None)
    for index, position, stored in _iter_leaf_rows(parts.db, snapshot.leaf_count, page_size):
        problem, digest = _leaf_row_problem(index, position, stored, event, walk)
        if problem is not None:
            problems.append(problem)
            walk.stopped = True
            break
        walk.frontier.append(digest)
        walk.last_position = position
        if proof_builder is not None:
            proof_builder.feed(index, digest, walk.frontier)
        size = walk.frontier.size
        if size in witness_sizes:
            walk.recomputed_roots[size] = walk.frontier.root()
        checkpoint = by_size.get(size)
        if checkpoint is not None:
            root = walk.frontier.root()
            walk.recomputed_roots[size] = root
            root_problem = _checkpoint_root_problem(checkpoint, starts[size], root, position)
            if root_problem is None:
                walk.roots_ok.add(size)
            else:
                problems.append(root_problem)
        event = next(events, None)
    return walk


def _check_coverage(snapshot: _Snapshot, walk: _Walk, problems: list[Problem]) -> None:
    """The latest checkpoint covers exactly the leaf rows: fewer is truncation, more is a rollback."""
    leaf_count = snapshot.leaf_count
    sealed_size = snapshot.latest.tree_size if snapshot.latest else 0
    if leaf_count < sealed_size:
        problems.append(
            Problem(
                leaf_count,
                f"チェックポイント {sealed_size} の葉 {leaf_count}..{sealed_size - 1} がありません (the log was"
                " truncated: leaf rows and events after the last surviving leaf were deleted)",
                position=walk.last_position + 1,
                rank=1,
            )
        )
    elif leaf_count > sealed_size:
        problems.append(
            Problem(
                sealed_size,
                f"葉 {sealed_size}..{leaf_count - 1} を含むチェックポイントがありません (leaves not covered by any"
                " checkpoint: the latest checkpoint was deleted, i.e. the log was rolled back)",
                rank=1,
            )
        )


def _check_witnessed(
    witnessed: Sequence[Checkpoint], walk: _Walk, problems: list[Problem]
) -> tuple[int, int]:
    """Checkpoints a witness kept, against today's log: (how many match, tree size matched so far)."""
    witness_checked = 0
    verified_size = walk.frontier.size
    matched_before = 0
    for w in witnessed:
        if w.tree_size > verified_size:
            if not walk.stopped:
                problems.append(
                    Problem(
                        verified_size,
                        f"証人のチェックポイント {w.tree_size} より記録が短くなっています (today's log has {verified_size}"
                        f" leaves, fewer than the witnessed tree size {w.tree_size} up to position {w.last_position}:"
                        " rolled back or truncated)",
                        position=walk.last_position + 1,
                        rank=3,
                    )
                )
            break
        if walk.recomputed_roots.get(w.tree_size) != w.root_hash:
            problems.append(
                Problem(
                    matched_before,
                    f"証人のチェックポイント {w.tree_size} と一致しません (today's log does not hash to the root the"
                    f" witness kept for tree size {w.tree_size}: the log was rewritten within leaves"
                    f" {matched_before}..{w.tree_size - 1} and re-sealed)",
                    rank=3,
                )
            )
            break
        matched_before = w.tree_size
        witness_checked += 1
    return witness_checked, matched_before


def _check_anchor_consistency(
    proof_builder: _ProofBuilder,
    anchor: Checkpoint,
    latest: Checkpoint,
    matched_before: int,
    problems: list[Problem],
) -> None:
    """The newest witnessed checkpoint is a prefix of the latest stored one (RFC 9162 consistency)."""
    proof = proof_builder.proof()
    if proof is not None and not verify_consistency(
        anchor.tree_size, latest.tree_size, anchor.root_hash, latest.root_hash, proof
    ):
        problems.append(
            Problem(
                matched_before if matched_before < anchor.tree_size else 0,
                f"証人のチェックポイント {anchor.tree_size} と最新のチェックポイント {latest.tree_size} が整合しません"
                " (RFC 9162 consistency proof from the witnessed checkpoint fails)",
                rank=3,
            )
        )


def _report(
    parts: AuditParts,
    snapshot: _Snapshot,
    problems: list[Problem],
    *,
    head: int,
    checked: int,
    witness_checked: int,
    unsealed: int,
) -> VerifyReport:
    """The report: the first problem by leaf index (then rank) is the one named, with its position."""
    ordered = sorted(problems, key=lambda p: (p.leaf_index, p.rank))
    first = ordered[0] if ordered else None
    bad_position: int | None = None
    if first is not None:
        bad_position = (
            first.position if first.position is not None else _position_of_leaf(parts.db, first.leaf_index)
        )
    return VerifyReport(
        ok=not problems,
        tree_size=snapshot.latest.tree_size if snapshot.latest else 0,
        head=head,
        checkpoints=len(snapshot.checkpoints),
        checkpoints_checked=checked,
        first_bad_position=bad_position,
        first_bad_leaf=first.leaf_index if first else None,
        reason=first.reason if first else None,
        unsealed_tail=unsealed,
        witness_checked=witness_checked,
        problems=tuple(p.reason for p in ordered[:50]),
    )


def _iter_leaf_rows(db: SqlDatabase, count: int, page_size: int) -> Iterator[tuple[int, int, str]]:
    position = 0
    while position < count:
        with db.transaction() as cur:
            cur.execute(
                "SELECT leaf_index, notification_id, leaf_hash FROM audit_leaves"
                " WHERE leaf_index >= %s AND leaf_index < %s ORDER BY leaf_index LIMIT %s",
                (position, count, page_size),
            )
            rows = cur.fetchall()
        if not rows:
            return
        for index, notification_id, digest in rows:
            yield int(index), int(notification_id), str(digest)
        position = int(rows[-1][0]) + 1


def _count_events_after(app: EventLog, position: int, page_size: int) -> int:
    return sum(1 for _ in _iter_notifications(app, position + 1, page_size))


def _position_of_leaf(db: SqlDatabase, leaf_index: int) -> int | None:
    with db.transaction() as cur:
        cur.execute("SELECT notification_id FROM audit_leaves WHERE leaf_index = %s", (leaf_index,))
        row = cur.fetchone()
        if row:
            return int(row[0])
        cur.execute(
            "SELECT MAX(notification_id) FROM audit_leaves WHERE leaf_index < %s",
            (leaf_index,),
        )
        row = cur.fetchone()
    return int(row[0]) + 1 if row and row[0] is not None else 1


# -- witness export -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    path: Path
    written: int
    total: int
    tree_size: int
    public_key: str | None = None
    notes: list[str] = field(default_factory=list)


def export_checkpoints(
    source: AuditSource | AuditParts, out: Path, *, include_all: bool = False
) -> ExportResult:
    """Write checkpoints to a witness file.

    A new file receives the latest checkpoint (every checkpoint with ``include_all``). An existing witness
    file keeps what it holds and receives every stored checkpoint newer than its last one, so the witness's
    copy stays a chain whose consistency proofs link each entry to the one before.
    """
    parts = audit_parts(source)
    stored = load_checkpoints(parts)
    key = load_verifying_key(parts.key_path)
    kept: list[Checkpoint] = load_witness(out) if out.exists() else []
    if kept:
        newest = kept[-1].tree_size
        new = [c for c in stored if c.tree_size > newest]
    else:
        new = stored if include_all else stored[-1:]
    checkpoints = kept + new
    document = {
        "format": WITNESS_FORMAT,
        "origin": ORIGIN,
        "public_key": key.to_text() if key else None,
        "checkpoints": [c.to_json() for c in checkpoints],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".tmp")
    temporary.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, out)
    return ExportResult(
        path=out,
        written=len(new),
        total=len(checkpoints),
        tree_size=checkpoints[-1].tree_size if checkpoints else 0,
        public_key=key.to_text() if key else None,
    )
