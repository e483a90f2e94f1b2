"""Per-subject data keys wrapped by a master key; AES-256-GCM field encryption (DESIGN §6, ADR 0004).

- Table ``data_keys`` (migration 0001): ``key_id`` (e.g. ``taxpayer:<uuid>`` or ``taxpayer:<uuid>:2026``),
  the data key wrapped with the master key (AES-GCM, nonce ‖ ciphertext, base64), creation and
  destruction times. A destroyed key keeps its row with ``wrapped_key`` NULL, so "erased" is
  distinguishable from "never existed" and nobody can silently re-create it.
- Field ciphertext layout: ``version(1) ‖ nonce(12) ‖ AES-GCM ciphertext+tag``; the associated data binds
  it to the aggregate id and field name, so ciphertexts cannot be swapped between events or fields.
- Unwrapped keys (32 bytes each) are cached in memory for speed, the most recently used ``CACHE_SIZE``
  of them, without every subject's key staying in memory for the life of the process (a 300,000-person
  levy touches ~600,000). The cipher object is made per call (~1 µs): cached ``AESGCM`` objects cost
  ~2.5 KiB each, which made a 300,000-person run exceed 2 GiB. ``destroy`` evicts.
"""

from __future__ import annotations

import base64
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from application.ports import SqlDatabase

_FORMAT_VERSION = b"\x01"

#: Unwrapped data keys kept in memory (least recently used dropped first); ~15 MiB when full.
CACHE_SIZE = 100_000


class KeyDestroyedError(RuntimeError):
    """Personal data cannot be written for a subject whose key was destroyed (erased)."""


class MasterKeyError(ValueError):
    """The configured master key is unusable."""


def decode_master_key(text: str) -> bytes:
    """Decode a base64 master key; it must be 32 bytes (AES-256)."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as error:
        raise MasterKeyError("JUMINZEI_MASTER_KEY is not valid base64") from error
    if len(key) != 32:
        raise MasterKeyError(f"JUMINZEI_MASTER_KEY must decode to 32 bytes, not {len(key)}")
    return key


def load_or_create_dev_master_key(var_dir: Path) -> tuple[bytes, bool]:
    """Development key in ``var_dir/master.key``; returns (key, created_now)."""
    path = var_dir / "master.key"
    if path.exists():
        return decode_master_key(path.read_text(encoding="ascii")), False
    var_dir.mkdir(parents=True, exist_ok=True)
    key = AESGCM.generate_key(bit_length=256)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(base64.b64encode(key).decode("ascii") + "\n")
    return key, True


class SqlKeyStore:
    """``PersonalDataCipher`` backed by the ``data_keys`` table."""

    def __init__(
        self, db: SqlDatabase, master_key: bytes, on_destroyed: Callable[[str], None] | None = None
    ) -> None:
        if len(master_key) != 32:
            raise MasterKeyError("master key must be 32 bytes")
        self._db = db
        #: Told of every key this store destroys (the shred list outside the database, ADR 0019).
        self._on_destroyed = on_destroyed
        self._master = AESGCM(master_key)
        self._master_bytes = master_key
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._destroyed: set[str] = set()
        self._lock = threading.Lock()

    # -- key management -------------------------------------------------------------------------
    def _wrap(self, key_id: str, data_key: bytes) -> str:
        nonce = os.urandom(12)
        return base64.b64encode(nonce + self._master.encrypt(nonce, data_key, key_id.encode())).decode(
            "ascii"
        )

    def _unwrap(self, key_id: str, wrapped: str) -> bytes:
        raw = base64.b64decode(wrapped)
        try:
            return self._master.decrypt(raw[:12], raw[12:], key_id.encode())
        except InvalidTag as error:
            raise MasterKeyError(
                "a data key could not be unwrapped: JUMINZEI_MASTER_KEY differs from the one that wrote it"
            ) from error

    def derivation_root(self) -> bytes:
        """The secret the blind index and certificate keys are derived from, wrapped by the master key.

        Created on first use as the current master key's bytes, so stores made before it existed derive
        exactly the same values; from then on a master-key rotation only rewraps it (ADR 0019).
        """
        name = "derivation-root"
        with self._db.transaction() as cur:
            cur.execute("SELECT wrapped FROM wrapped_secrets WHERE name = %s", (name,))
            row = cur.fetchone()
            if row is None:
                cur.execute(
                    "INSERT INTO wrapped_secrets (name, wrapped, created_at) VALUES (%s, %s, %s)"
                    " ON CONFLICT (name) DO NOTHING",
                    (name, self._wrap(f"secret:{name}", self._master_bytes), _now()),
                )
                cur.execute("SELECT wrapped FROM wrapped_secrets WHERE name = %s", (name,))
                row = cur.fetchone()
        return self._unwrap(f"secret:{name}", row[0])

    def rotate_master(self, new_master_key: bytes) -> int:
        """Rewrap every live data key and system secret under ``new_master_key``, in one transaction.

        Returns how many were rewrapped. Destroyed keys stay destroyed. After it commits only the new
        key opens the store: the operator switches ``JUMINZEI_MASTER_KEY`` before the next start.
        """
        if len(new_master_key) != 32:
            raise MasterKeyError("the new master key must be 32 bytes")
        if new_master_key == self._master_bytes:
            raise MasterKeyError("the new master key is the current one")
        new = AESGCM(new_master_key)

        def wrap_new(key_id: str, secret: bytes) -> str:
            nonce = os.urandom(12)
            return base64.b64encode(nonce + new.encrypt(nonce, secret, key_id.encode())).decode("ascii")

        count = 0
        with self._db.transaction() as cur:
            cur.execute("SELECT key_id, wrapped_key FROM data_keys WHERE wrapped_key IS NOT NULL")
            keys = [(r[0], r[1]) for r in cur.fetchall()]
            cur.executemany(
                "UPDATE data_keys SET wrapped_key = %s WHERE key_id = %s",
                [(wrap_new(k, self._unwrap(k, w)), k) for k, w in keys],
            )
            cur.execute("SELECT name, wrapped FROM wrapped_secrets")
            secrets = [(r[0], r[1]) for r in cur.fetchall()]
            cur.executemany(
                "UPDATE wrapped_secrets SET wrapped = %s WHERE name = %s",
                [(wrap_new(f"secret:{n}", self._unwrap(f"secret:{n}", w)), n) for n, w in secrets],
            )
            count = len(keys) + len(secrets)
        self._master = new
        self._master_bytes = new_master_key
        return count

    def _cached(self, key_id: str) -> AESGCM | None:
        with self._lock:
            cached = self._cache.get(key_id)
            if cached is None:
                return None
            self._cache.move_to_end(key_id)
        return AESGCM(cached)

    def _missing(self, key_ids: Iterable[str]) -> list[str]:
        """Of these keys, the ones neither cached nor known destroyed (sorted); the cached ones become the
        most recently used, so the batch about to use them does not evict them."""
        wanted: set[str] = set()
        with self._lock:
            for key_id in key_ids:
                if key_id in self._cache:
                    self._cache.move_to_end(key_id)
                elif key_id not in self._destroyed:
                    wanted.add(key_id)
        return sorted(wanted)

    def _keep(self, key_id: str, data_key: bytes) -> None:
        """Cache an unwrapped key (caller holds the lock), dropping the least recently used beyond the size."""
        self._cache[key_id] = data_key
        self._cache.move_to_end(key_id)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _load(self, key_id: str, *, create: bool) -> AESGCM | None:
        cached = self._cached(key_id)
        if cached is not None:
            return cached
        if key_id in self._destroyed:
            return None
        with self._db.transaction() as cur:
            cur.execute("SELECT wrapped_key FROM data_keys WHERE key_id = %s", (key_id,))
            row = cur.fetchone()
            if row is None and create:
                cur.execute(
                    "INSERT INTO data_keys (key_id, wrapped_key, created_at) VALUES (%s, %s, %s)"
                    " ON CONFLICT (key_id) DO NOTHING",
                    (key_id, self._wrap(key_id, AESGCM.generate_key(bit_length=256)), _now()),
                )
                cur.execute("SELECT wrapped_key FROM data_keys WHERE key_id = %s", (key_id,))
                row = cur.fetchone()
        if row is None:
            return None
        if row[0] is None:
            self._destroyed.add(key_id)
            return None
        data_key = self._unwrap(key_id, row[0])
        with self._lock:
            self._keep(key_id, data_key)
        return AESGCM(data_key)

    def prepare(self, key_ids: Iterable[str]) -> None:
        """Load (and create where missing) many data keys in one transaction before a batch save.

        Same outcome as ``_load(create=True)`` per key — a destroyed key stays destroyed and is never
        re-created — but one round trip set instead of one transaction per new subject.
        """
        self._load_many(key_ids, create=True)

    def load_many(self, key_ids: Iterable[str]) -> None:
        """Bring these data keys into memory in one transaction (before decrypting a page of events).

        Read only: a missing key is not created (decrypting with it yields ``None`` as before) and a
        destroyed key is remembered as destroyed."""
        self._load_many(key_ids, create=False)

    def _load_many(self, key_ids: Iterable[str], *, create: bool) -> None:
        wanted = self._missing(key_ids)
        if not wanted:
            return
        with self._db.transaction() as cur:
            found = _wrapped_keys(cur, wanted)
            missing = [k for k in wanted if k not in found]
            if create and missing:
                if self._db.dialect == "postgres":
                    # No fsync of its own for a new key: PostgreSQL flushes its WAL in order, so the
                    # synchronous commit of any event encrypted with this key (same database, later) makes
                    # the key durable first; a crash before that loses only a key nothing used yet.
                    cur.execute("SET LOCAL synchronous_commit TO OFF")
                now = _now()
                cur.executemany(
                    "INSERT INTO data_keys (key_id, wrapped_key, created_at) VALUES (%s, %s, %s)"
                    " ON CONFLICT (key_id) DO NOTHING",
                    [(k, self._wrap(k, AESGCM.generate_key(bit_length=256)), now) for k in missing],
                )
                found.update(_wrapped_keys(cur, missing))  # another writer's key, if it won the race
        with self._lock:
            for key_id, wrapped in found.items():
                if wrapped is None:
                    self._destroyed.add(key_id)
                else:
                    self._keep(key_id, self._unwrap(key_id, wrapped))

    # -- PersonalDataCipher ---------------------------------------------------------------------
    def encrypt(self, key_id: str, plaintext: bytes, associated_data: bytes) -> bytes:
        aes = self._load(key_id, create=True)
        if aes is None:
            raise KeyDestroyedError(
                f"data key {key_id} was destroyed; personal data can no longer be written"
            )
        nonce = os.urandom(12)
        return _FORMAT_VERSION + nonce + aes.encrypt(nonce, plaintext, associated_data)

    def decrypt(self, key_id: str, ciphertext: bytes, associated_data: bytes) -> bytes | None:
        aes = self._load(key_id, create=False)
        if aes is None:
            return None
        if ciphertext[:1] != _FORMAT_VERSION:
            raise ValueError("unknown personal-data ciphertext format")
        return aes.decrypt(ciphertext[1:13], ciphertext[13:], associated_data)

    def destroy(self, key_id: str, *, record: bool = True) -> bool:
        """Crypto-shred one data key; ``record=False`` when re-applying the shred list itself."""
        with self._db.transaction() as cur:
            cur.execute(
                "UPDATE data_keys SET wrapped_key = NULL, destroyed_at = %s"
                " WHERE key_id = %s AND wrapped_key IS NOT NULL",
                (_now(), key_id),
            )
            destroyed = bool(getattr(cur, "rowcount", 0))
            if destroyed and record and self._on_destroyed is not None:
                # Inside the transaction: if the shred list cannot be written, the key is not destroyed.
                self._on_destroyed(key_id)
        with self._lock:
            self._cache.pop(key_id, None)
            self._destroyed.add(key_id)
        return destroyed


def _wrapped_keys(cur: Any, key_ids: list[str]) -> dict[str, str | None]:
    """The stored (wrapped) data key of each of these ids that has a row; None for a destroyed one."""
    found: dict[str, str | None] = {}
    for start in range(0, len(key_ids), 500):
        part = key_ids[start : start + 500]
        marks = ", ".join(["%s"] * len(part))
        cur.execute(f"SELECT key_id, wrapped_key FROM data_keys WHERE key_id IN ({marks})", part)
        found.update({r[0]: r[1] for r in cur.fetchall()})
    return found


def _now() -> str:
    return datetime.now(UTC).isoformat()


class SqlKeyInventory:
    """Which data keys exist (for retention) and which are held past their period."""

    def __init__(self, db: SqlDatabase) -> None:
        self._db = db

    def live_keys(self) -> list[str]:
        with self._db.transaction() as cur:
            cur.execute("SELECT key_id FROM data_keys WHERE wrapped_key IS NOT NULL ORDER BY key_id")
            return [r[0] for r in cur.fetchall()]

    def held_keys(self) -> set[str]:
        with self._db.transaction() as cur:
            cur.execute("SELECT key_id FROM retention_holds WHERE released_at IS NULL")
            return {r[0] for r in cur.fetchall()}

    def place_hold(self, key_id: str, reason: str, actor: str) -> None:
        with self._db.transaction() as cur:
            cur.execute(
                "INSERT INTO retention_holds (key_id, reason, placed_by, placed_at, released_at)"
                " VALUES (%s, %s, %s, %s, NULL)",
                (key_id, reason, actor, _now()),
            )

    def release_hold(self, key_id: str) -> int:
        with self._db.transaction() as cur:
            cur.execute(
                "UPDATE retention_holds SET released_at = %s WHERE key_id = %s AND released_at IS NULL",
                (_now(), key_id),
            )
            return int(getattr(cur, "rowcount", 0))

    def forget_vault_entry(self, taxpayer_id: str) -> None:
        """Drop the vault row of an erased identity (its ciphertext is unreadable already)."""
        with self._db.transaction() as cur:
            cur.execute("DELETE FROM individual_number_vault WHERE taxpayer_id = %s", (taxpayer_id,))
