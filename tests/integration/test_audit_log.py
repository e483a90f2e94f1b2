"""The Merkle audit log on SQLite and PostgreSQL: sealing, verification and every tamper case (ADR 0008).

Tampering is done the way an insider with database access would: SQL straight on the event table
(``stored_events`` on SQLite, where the notification id is the rowid; ``juminzei_events`` on PostgreSQL) and
on the audit tables. Positions below are notification ids; each registration stores exactly one event.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.audit.merkle_log import (
    AuditLogError,
    export_checkpoints,
    load_checkpoints,
    load_witness,
    notification_leaf_hash,
    seal,
    sign_checkpoint,
    verify,
)
from adapters.audit.signing import AuditKeyError, SigningKey, default_key_path, load_signing_key
from application.taxpayers import RegisterTaxpayer
from domain.audit.merkle import consistency_proof, root, verify_consistency
from domain.shared.events import CommandContext
from domain.shared.person import Sex
from domain.shared.personal import ERASED
from domain.shared.purpose import Purpose
from domain.taxpayer.model import Taxpayer, taxpayer_id

CANARY_NAME = "監査カナリア"


def register(c: Any, start: int, count: int) -> None:
    for number in range(start, start + count):
        command = RegisterTaxpayer(
            address_number=f"77{number:04d}",
            name=CANARY_NAME,
            kana="カンサカナリア",
            birth_date=date(1970, 1, 1 + number % 28),
            sex=Sex.F,
            address=f"東京都目黒区監査{number}丁目",
        )
        ctx = CommandContext(
            actor="clerk-audit", purpose=Purpose.REGISTRY, command_id=f"audit-{number}", terminal="T-1"
        )
        c.taxpayers.register(command, ctx)


def table(c: Any) -> tuple[str, str]:
    """(events table, notification id column) of the durable store."""
    return ("stored_events", "rowid") if c.store.kind == "sqlite" else ("juminzei_events", "notification_id")


def execute(c: Any, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    events, id_column = table(c)
    with c.db.transaction() as cur:
        cur.execute(sql.format(events=events, id=id_column), params)
        try:
            return list(cur.fetchall())
        except Exception:
            return []


def state_at(c: Any, position: int) -> bytes:
    rows = execute(c, "SELECT state FROM {events} WHERE {id} = %s", (position,))
    return bytes(rows[0][0])


def two_batches(c: Any) -> None:
    """Positions 1..6 sealed by checkpoint 6, positions 7..9 by checkpoint 9."""
    register(c, 1, 6)
    assert seal(c).tree_size == 6
    register(c, 7, 3)
    assert seal(c).tree_size == 9


def signing_key(c: Any) -> SigningKey:
    key = load_signing_key(default_key_path(c.settings))
    assert key is not None
    return key


def test_untouched_log_verifies_and_sealing_is_incremental(durable_container: Any) -> None:
    c = durable_container
    assert verify(c).ok  # an empty log verifies
    register(c, 1, 6)
    first = seal(c)
    assert (first.previous_size, first.tree_size, first.sealed, first.checkpoints) == (0, 6, 6, 1)
    assert first.key_created and default_key_path(c.settings).exists()
    again = seal(c)
    assert (again.sealed, again.checkpoints, again.key_created) == (0, 0, False)
    assert again.root_hash == first.root_hash

    register(c, 7, 3)
    pending = verify(c)
    assert pending.ok and pending.unsealed_tail == 3 and pending.tree_size == 6 and pending.head == 9
    second = seal(c)
    assert (second.previous_size, second.tree_size, second.sealed) == (6, 9, 3)

    report = verify(c)
    assert report.ok, report.reason
    assert (report.tree_size, report.head, report.checkpoints_checked, report.unsealed_tail) == (9, 9, 2, 0)
    assert report.first_bad_position is None and report.reason is None

    leaves = execute(c, "SELECT leaf_index, notification_id, leaf_hash FROM audit_leaves ORDER BY leaf_index")
    assert [(int(i), int(n)) for i, n, _ in leaves] == [(i, i + 1) for i in range(9)]
    notifications = c.app.recorder.select_notifications(start=1, limit=100)
    assert [notification_leaf_hash(n).hex() for n in notifications] == [h for _, _, h in leaves]
    assert root([bytes.fromhex(h) for _, _, h in leaves]).hex() == second.root_hash
    checkpoints = load_checkpoints(c)
    assert [cp.tree_size for cp in checkpoints] == [6, 9]
    assert verify_consistency(
        6, 9, checkpoints[0].root_hash, checkpoints[1].root_hash, checkpoints[1].consistency_proof
    )


def test_leaves_commit_to_ciphertext_never_plaintext(durable_container: Any) -> None:
    c = durable_container
    register(c, 1, 2)
    seal(c)
    for notification in c.app.recorder.select_notifications(start=1, limit=10):
        assert CANARY_NAME.encode() not in bytes(notification.state)
    assert verify(c).ok


def test_seal_in_bounded_steps_links_every_checkpoint(durable_container: Any) -> None:
    c = durable_container
    register(c, 1, 11)
    result = seal(c, page_size=2, max_leaves_per_checkpoint=4)
    assert (result.tree_size, result.checkpoints) == (11, 3)
    checkpoints = load_checkpoints(c)
    assert [(cp.previous_size, cp.tree_size) for cp in checkpoints] == [(0, 4), (4, 8), (8, 11)]
    leaves = [
        bytes.fromhex(r[0]) for r in execute(c, "SELECT leaf_hash FROM audit_leaves ORDER BY leaf_index")
    ]
    assert list(checkpoints[2].consistency_proof) == consistency_proof(8, leaves)
    assert verify(c, page_size=3).ok


def test_modified_payload_is_found_at_its_position(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    original = state_at(c, 4)
    tampered = original.replace(b"clerk-audit", b"clerk-evil!")
    assert tampered != original
    execute(c, "UPDATE {events} SET state = %s WHERE {id} = %s", (tampered, 4))
    report = verify(c)
    assert not report.ok
    assert (report.first_bad_position, report.first_bad_leaf) == (4, 3)
    assert "改ざん" in (report.reason or "") and "modified" in (report.reason or "")


def test_modified_metadata_column_is_found(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    execute(c, "UPDATE {events} SET originator_version = 5 WHERE {id} = %s", (8,))
    report = verify(c)
    assert not report.ok and report.first_bad_position == 8


def test_deleted_event_is_found_at_its_position(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    execute(c, "DELETE FROM {events} WHERE {id} = %s", (5,))
    report = verify(c)
    assert not report.ok
    assert (report.first_bad_position, report.first_bad_leaf) == (5, 4)
    assert "削除" in (report.reason or "") and "missing" in (report.reason or "")


def test_two_swapped_events_are_found_at_the_first(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    execute(c, "UPDATE {events} SET {id} = 1000 WHERE {id} = 3")
    execute(c, "UPDATE {events} SET {id} = 3 WHERE {id} = 4")
    execute(c, "UPDATE {events} SET {id} = 4 WHERE {id} = 1000")
    report = verify(c)
    assert not report.ok
    assert (report.first_bad_position, report.first_bad_leaf) == (3, 2)


def test_event_inserted_into_the_sealed_range_is_found(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    # Open a gap at position 5 (as a rolled-back insert would), then fill it after sealing.
    execute(c, "UPDATE {events} SET {id} = 1000 WHERE {id} = 5")
    report = verify(c)
    assert not report.ok and report.first_bad_position == 5
    execute(c, "UPDATE {events} SET {id} = 5 WHERE {id} = 1000")
    assert verify(c).ok


def test_truncated_tail_is_found(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    execute(c, "DELETE FROM {events} WHERE {id} >= %s", (8,))
    report = verify(c)
    assert not report.ok
    assert (report.first_bad_position, report.first_bad_leaf) == (8, 7)

    # Deleting the leaf rows too does not help: the signed checkpoint still covers them.
    execute(c, "DELETE FROM audit_leaves WHERE leaf_index >= %s", (7,))
    report = verify(c)
    assert not report.ok
    assert (report.first_bad_position, report.first_bad_leaf) == (8, 7)
    assert "truncated" in (report.reason or "")


def test_forged_checkpoint_is_found(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    execute(c, "UPDATE audit_checkpoints SET root_hash = %s WHERE tree_size = 9", ("00" * 32,))
    report = verify(c)
    assert not report.ok
    assert (report.first_bad_position, report.first_bad_leaf) == (7, 6)
    assert "signature" in (report.reason or "")
    with pytest.raises(AuditLogError):
        seal(c)  # the integrator never extends a log whose head does not check out


def test_checkpoint_signed_with_another_key_is_found(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    intruder = SigningKey(Ed25519PrivateKey.generate())
    leaves = [
        bytes.fromhex(r[0]) for r in execute(c, "SELECT leaf_hash FROM audit_leaves ORDER BY leaf_index")
    ]
    stored = load_checkpoints(c)
    forged = sign_checkpoint(
        intruder,
        tree_size=9,
        root_hash=root(leaves),
        last_position=9,
        timestamp=stored[1].timestamp,
        previous_size=6,
        consistency_proof=consistency_proof(6, leaves),
    )
    execute(
        c,
        "UPDATE audit_checkpoints SET key_id = %s, signature = %s WHERE tree_size = 9",
        (forged.key_id, forged.to_json()["signature"]),
    )
    report = verify(c)
    assert not report.ok and report.first_bad_leaf == 6 and "another key" in (report.reason or "")
    # Verifying with the intruder's public key instead fails on the untouched checkpoint 6.
    report = verify(c, public_key=intruder.public())
    assert not report.ok and report.first_bad_leaf == 0


def test_rolled_back_checkpoint_is_found(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    execute(c, "DELETE FROM audit_checkpoints WHERE tree_size = 9")
    report = verify(c)
    assert not report.ok
    assert (report.first_bad_position, report.first_bad_leaf) == (7, 6)
    assert "rolled back" in (report.reason or "")


def test_deleted_middle_checkpoint_is_found(durable_container: Any) -> None:
    c = durable_container
    register(c, 1, 9)
    seal(c, max_leaves_per_checkpoint=3)
    execute(c, "DELETE FROM audit_checkpoints WHERE tree_size = 6")
    report = verify(c)
    assert not report.ok and report.first_bad_leaf == 3 and "deleted" in (report.reason or "")


def test_replayed_checkpoint_with_an_older_time_is_found(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    key = signing_key(c)
    leaves = [
        bytes.fromhex(r[0]) for r in execute(c, "SELECT leaf_hash FROM audit_leaves ORDER BY leaf_index")
    ]
    old = sign_checkpoint(
        key,
        tree_size=9,
        root_hash=root(leaves),
        last_position=9,
        timestamp="2000-01-01T00:00:00.000000Z",
        previous_size=6,
        consistency_proof=consistency_proof(6, leaves),
    )
    execute(
        c,
        "UPDATE audit_checkpoints SET created_at = %s, signature = %s WHERE tree_size = 9",
        (old.timestamp, old.to_json()["signature"]),
    )
    report = verify(c)
    assert not report.ok and report.first_bad_leaf == 6 and "backwards" in (report.reason or "")


def test_checkpoint_inconsistent_with_an_earlier_one_is_found(durable_container: Any) -> None:
    """An insider with the signing key re-signs the head over a history that differs below size 6."""
    c = durable_container
    two_batches(c)
    key = signing_key(c)
    leaves = [
        bytes.fromhex(r[0]) for r in execute(c, "SELECT leaf_hash FROM audit_leaves ORDER BY leaf_index")
    ]
    rewritten = list(leaves)
    rewritten[1] = bytes(32)
    forged = sign_checkpoint(
        key,
        tree_size=9,
        root_hash=root(rewritten),
        last_position=9,
        timestamp=load_checkpoints(c)[1].timestamp,
        previous_size=6,
        consistency_proof=consistency_proof(6, rewritten),
    )
    data = forged.to_json()
    execute(
        c,
        "UPDATE audit_checkpoints SET root_hash = %s, signature = %s, consistency_proof = %s WHERE tree_size = 9",
        (data["root_hash"], data["signature"], ",".join(data["consistency_proof"])),
    )
    report = verify(c)
    assert not report.ok
    assert (report.first_bad_position, report.first_bad_leaf) == (7, 6)
    assert "consistency" in (report.reason or "")


def test_rewritten_and_resealed_log_is_caught_by_the_witness(durable_container: Any, tmp_path: Path) -> None:
    c = durable_container
    witness = tmp_path / "witness.json"
    register(c, 1, 6)
    seal(c)
    assert export_checkpoints(c, witness).written == 1
    register(c, 7, 3)
    seal(c)
    assert export_checkpoints(c, witness).written == 1
    assert [w.tree_size for w in load_witness(witness)] == [6, 9]
    assert verify(c, witness=witness).ok
    assert verify(c, witness=witness).witness_checked == 2

    # The insider changes position 8, wipes the audit tables and re-seals with the real key.
    tampered = state_at(c, 8).replace(b"clerk-audit", b"clerk-evil!")
    execute(c, "UPDATE {events} SET state = %s WHERE {id} = %s", (tampered, 8))
    execute(c, "DELETE FROM audit_checkpoints")
    execute(c, "DELETE FROM audit_leaves")
    seal(c)
    assert verify(c).ok  # internally consistent: only an outside copy of a checkpoint can tell

    report = verify(c, witness=witness)
    assert not report.ok
    assert (report.first_bad_position, report.first_bad_leaf) == (7, 6)
    assert "witness" in (report.reason or "")


def test_rolled_back_log_is_caught_by_the_witness(durable_container: Any, tmp_path: Path) -> None:
    c = durable_container
    witness = tmp_path / "witness.json"
    two_batches(c)
    export_checkpoints(c, witness, include_all=True)
    # Roll back everything after position 6: events, leaves and the checkpoint.
    execute(c, "DELETE FROM {events} WHERE {id} > %s", (6,))
    execute(c, "DELETE FROM audit_leaves WHERE leaf_index >= %s", (6,))
    execute(c, "DELETE FROM audit_checkpoints WHERE tree_size = 9")
    assert verify(c).ok  # looks like a shorter, intact log
    report = verify(c, witness=witness)
    assert not report.ok
    assert (report.first_bad_position, report.first_bad_leaf) == (7, 6)
    assert "rolled back" in (report.reason or "")


def test_tampered_witness_file_is_refused(durable_container: Any, tmp_path: Path) -> None:
    c = durable_container
    witness = tmp_path / "witness.json"
    two_batches(c)
    export_checkpoints(c, witness, include_all=True)
    text = witness.read_text(encoding="utf-8")
    root9 = load_witness(witness)[1].root_hash.hex()
    witness.write_text(text.replace(root9, "11" * 32), encoding="utf-8")
    report = verify(c, witness=witness)
    assert not report.ok and report.first_bad_leaf == 6


def test_erasure_does_not_break_verification(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    subject = taxpayer_id("770002")
    assert c.keystore.destroy(f"taxpayer:{subject}")
    erased: Taxpayer = c.app.repository.get(subject)
    assert erased.name is ERASED
    report = verify(c)
    assert report.ok, report.reason
    register(c, 20, 1)
    assert seal(c).tree_size == 10 and verify(c).ok


def test_missing_signing_key_is_reported_not_replaced(durable_container: Any) -> None:
    c = durable_container
    two_batches(c)
    path = default_key_path(c.settings)
    path.unlink()
    register(c, 10, 1)
    with pytest.raises(AuditKeyError):
        seal(c)
    assert not path.exists()  # never silently generates a new key under an existing log
    report = verify(c)
    assert not report.ok and report.first_bad_leaf == 0 and "public key" in (report.reason or "")


def test_memory_store_seals_and_verifies(container: Any) -> None:
    c = container
    register(c, 1, 3)
    assert seal(c).tree_size == 3
    assert verify(c).ok


def test_failed_seal_commits_nothing_and_can_be_retried(
    durable_container: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import adapters.audit.merkle_log as merkle_log

    c = durable_container
    register(c, 1, 6)
    seal(c)
    register(c, 7, 3)

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("killed while signing")

    monkeypatch.setattr(merkle_log, "sign_checkpoint", crash)
    with pytest.raises(RuntimeError):
        seal(c)
    monkeypatch.undo()
    assert execute(c, "SELECT COUNT(*) FROM audit_leaves")[0][0] == 6
    report = verify(c)
    assert report.ok and report.unsealed_tail == 3
    assert seal(c).sealed == 3 and verify(c).ok


def test_concurrent_sealers_neither_double_nor_skip(durable_container: Any) -> None:
    import threading

    c = durable_container
    register(c, 1, 2)
    seal(c)  # the key exists before the race
    errors: list[BaseException] = []

    def sealer() -> None:
        try:
            for _ in range(4):
                seal(c)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=sealer) for _ in range(3)]
    for thread in threads:
        thread.start()
    register(c, 3, 8)
    for thread in threads:
        thread.join()
    assert not errors
    seal(c)
    rows = execute(c, "SELECT leaf_index, notification_id FROM audit_leaves ORDER BY leaf_index")
    assert [(int(i), int(n)) for i, n in rows] == [(i, i + 1) for i in range(10)]
    report = verify(c)
    assert report.ok and report.tree_size == 10 and report.unsealed_tail == 0
