"""My Number vault (個人番号の保管, 番号法 第12条 安全管理措置; DESIGN §6).

- The number is validated (check digit, python-stdnum ``jp.in_``) before it is stored.
- Lookup is by an HMAC-SHA256 **blind index** whose key is derived from the master key (HKDF,
  info ``juminzei/blind-index/v1``): equal numbers give equal indexes, but the index reveals nothing
  without the key, and 10^11 guesses cannot be tried offline.
- The ciphertext is sealed with the taxpayer's identity data key (``taxpayer:<id>``) through the key
  store, with the taxpayer id as associated data; destroying that key (erasure) shreds the number too.
- ``reveal`` is only ever called by ``application.individual_numbers`` after the policy allowed it and
  the access journal entry was stored (fail closed).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from datetime import UTC, datetime
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from stdnum.jp import in_ as my_number

from adapters.crypto.keystore import SqlKeyStore
from application.ports import SqlDatabase, VaultConflictError


def is_valid_individual_number(number: str) -> bool:
    """12 digits with a correct check digit (番号法施行令 第8条)."""
    return my_number.is_valid(number)


class SqlIndividualNumberVault:
    """``IndividualNumberVault`` on the ``individual_number_vault`` table."""

    VERSION = 1

    def __init__(self, db: SqlDatabase, keystore: SqlKeyStore, master_key: bytes) -> None:
        self._db = db
        self._keystore = keystore
        self._index_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=b"juminzei", info=b"juminzei/blind-index/v1"
        ).derive(master_key)

    def blind_index(self, number: str) -> str:
        normalised = my_number.compact(number)
        return hmac.new(self._index_key, normalised.encode("ascii"), hashlib.sha256).hexdigest()

    def find(self, number: str) -> UUID | None:
        if not is_valid_individual_number(number):
            return None
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT taxpayer_id FROM individual_number_vault WHERE blind_index = %s",
                (self.blind_index(number),),
            )
            row = cur.fetchone()
        return UUID(row[0]) if row else None

    def link(self, taxpayer: UUID, number: str) -> bool:
        """Store the number for ``taxpayer``. Returns False when already linked to the same taxpayer."""
        if not is_valid_individual_number(number):
            raise ValueError("個人番号の桁数またはチェックデジットが不正です。")
        index = self.blind_index(number)
        key_id = f"taxpayer:{taxpayer}"
        # Seal first: the key store may create the data key in its own transaction.
        sealed = self._keystore.encrypt(key_id, number.encode("ascii"), f"vault|{taxpayer}".encode())
        with self._db.transaction() as cur:
            cur.execute("SELECT taxpayer_id FROM individual_number_vault WHERE blind_index = %s", (index,))
            row = cur.fetchone()
            if row is not None:
                if row[0] == str(taxpayer):
                    return False
                raise VaultConflictError("この個人番号は別の宛名に紐付いています。")
            cur.execute(
                "SELECT blind_index FROM individual_number_vault WHERE taxpayer_id = %s", (str(taxpayer),)
            )
            if cur.fetchone() is not None:
                raise VaultConflictError("この宛名には別の個人番号が紐付いています。")
            cur.execute(
                "INSERT INTO individual_number_vault (taxpayer_id, blind_index, key_id, ciphertext, linked_at)"
                " VALUES (%s, %s, %s, %s, %s)",
                (
                    str(taxpayer),
                    index,
                    key_id,
                    base64.b64encode(sealed).decode("ascii"),
                    datetime.now(UTC).isoformat(),
                ),
            )
        return True

    def batch(self, numbers: Iterable[str], taxpayers: Iterable[UUID]) -> SqlVaultBatch:
        """Finds and links of one import chunk: rows read in one transaction, links written in one."""
        staged = SqlVaultBatch(self)
        staged.prefetch(numbers, taxpayers)
        return staged

    def reveal(self, taxpayer: UUID) -> str | None:
        """The number, or None when none is linked or the subject was erased."""
        with self._db.transaction() as cur:
            cur.execute(
                "SELECT key_id, ciphertext FROM individual_number_vault WHERE taxpayer_id = %s",
                (str(taxpayer),),
            )
            row = cur.fetchone()
        if row is None:
            return None
        plaintext = self._keystore.decrypt(row[0], base64.b64decode(row[1]), f"vault|{taxpayer}".encode())
        return None if plaintext is None else plaintext.decode("ascii")

    def is_linked(self, taxpayer: UUID) -> bool:
        with self._db.transaction() as cur:
            cur.execute("SELECT 1 FROM individual_number_vault WHERE taxpayer_id = %s", (str(taxpayer),))
            return cur.fetchone() is not None


class SqlVaultBatch:
    """``VaultBatch``: the vault's ``find``/``link`` for one chunk, without a transaction per call.

    It keeps what it read (by blind index and by taxpayer) and what it staged, so each answer is the one
    ``SqlIndividualNumberVault.find``/``link`` would give at that point of the chunk with the earlier links
    already written: a number staged for a taxpayer is found, a second number for that taxpayer or the
    same number for another raises ``VaultConflictError``, an invalid number raises ``ValueError``.
    ``commit`` creates the data keys (``SqlKeyStore.prepare``), seals every number with its taxpayer's
    key exactly as ``link`` does and inserts the rows in one transaction; the table's unique keys still
    refuse a row another writer linked meanwhile (the transaction fails, nothing of it is written).
    """

    def __init__(self, vault: SqlIndividualNumberVault) -> None:
        self._vault = vault
        #: blind index → taxpayer id (str), None when known to be absent
        self._owner: dict[str, str | None] = {}
        #: taxpayer id (str) → blind index, None when known to be absent
        self._number_of: dict[str, str | None] = {}
        self._staged: list[tuple[UUID, str, str]] = []
        #: number → its blind index, None when invalid; for this chunk only (each number is looked at by
        #: prefetch, find and link: the check digit and the HMAC once each)
        self._indexes: dict[str, str | None] = {}

    def _checked_index(self, number: str) -> str | None:
        try:
            return self._indexes[number]
        except KeyError:
            index = self._vault.blind_index(number) if is_valid_individual_number(number) else None
            self._indexes[number] = index
            return index

    def _remember(self, rows: Iterable[tuple[str, str]]) -> None:
        for taxpayer, index in rows:
            self._owner[index] = taxpayer
            self._number_of[taxpayer] = index

    def prefetch(self, numbers: Iterable[str], taxpayers: Iterable[UUID]) -> None:
        checked = (self._checked_index(n) for n in numbers if n)
        indexes = sorted({i for i in checked if i is not None} - set(self._owner))
        ids = sorted({str(t) for t in taxpayers} - set(self._number_of))
        if not indexes and not ids:
            return
        with self._vault._db.transaction() as cur:
            for column, keys in (("blind_index", indexes), ("taxpayer_id", ids)):
                for start in range(0, len(keys), 500):
                    part = keys[start : start + 500]
                    marks = ", ".join(["%s"] * len(part))
                    cur.execute(
                        f"SELECT taxpayer_id, blind_index FROM individual_number_vault WHERE {column} IN ({marks})",
                        part,
                    )
                    self._remember((r[0], r[1]) for r in cur.fetchall())
        for index in indexes:
            self._owner.setdefault(index, None)
        for taxpayer in ids:
            self._number_of.setdefault(taxpayer, None)

    def _owner_of(self, index: str) -> str | None:
        if index not in self._owner:
            with self._vault._db.transaction() as cur:
                cur.execute(
                    "SELECT taxpayer_id, blind_index FROM individual_number_vault WHERE blind_index = %s",
                    (index,),
                )
                self._remember((r[0], r[1]) for r in cur.fetchall())
            self._owner.setdefault(index, None)
        return self._owner[index]

    def _index_of(self, taxpayer: str) -> str | None:
        if taxpayer not in self._number_of:
            with self._vault._db.transaction() as cur:
                cur.execute(
                    "SELECT taxpayer_id, blind_index FROM individual_number_vault WHERE taxpayer_id = %s",
                    (taxpayer,),
                )
                self._remember((r[0], r[1]) for r in cur.fetchall())
            self._number_of.setdefault(taxpayer, None)
        return self._number_of[taxpayer]

    def find(self, number: str) -> UUID | None:
        index = self._checked_index(number)
        if index is None:
            return None
        owner = self._owner_of(index)
        return UUID(owner) if owner is not None else None

    def link(self, taxpayer: UUID, number: str) -> bool:
        index = self._checked_index(number)
        if index is None:
            raise ValueError("個人番号の桁数またはチェックデジットが不正です。")
        owner = self._owner_of(index)
        if owner is not None:
            if owner == str(taxpayer):
                return False
            raise VaultConflictError("この個人番号は別の宛名に紐付いています。")
        if self._index_of(str(taxpayer)) is not None:
            raise VaultConflictError("この宛名には別の個人番号が紐付いています。")
        self._remember([(str(taxpayer), index)])
        self._staged.append((taxpayer, number, index))
        return True

    def commit(self) -> None:
        """Write the staged links: data keys in one transaction, the vault rows in one."""
        if not self._staged:
            return
        keystore = self._vault._keystore
        keystore.prepare(f"taxpayer:{t}" for t, _, _ in self._staged)
        now = datetime.now(UTC).isoformat()
        rows = []
        for taxpayer, number, index in self._staged:
            key_id = f"taxpayer:{taxpayer}"
            sealed = keystore.encrypt(key_id, number.encode("ascii"), f"vault|{taxpayer}".encode())
            rows.append((str(taxpayer), index, key_id, base64.b64encode(sealed).decode("ascii"), now))
        with self._vault._db.transaction() as cur:
            cur.executemany(
                "INSERT INTO individual_number_vault (taxpayer_id, blind_index, key_id, ciphertext, linked_at)"
                " VALUES (%s, %s, %s, %s, %s)",
                rows,
            )
        self._staged = []
        self._indexes.clear()
