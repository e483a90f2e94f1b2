"""``SqlIndividualNumberVault.batch`` answers every find/link as the vault's own ``find``/``link`` called one
after another would, on SQLite and PostgreSQL, and writes nothing until ``commit``."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

import psycopg
import pytest
from stdnum.jp import in_ as my_number

from application.ports import VaultConflictError


def _number(seed: int) -> str:
    body = f"{seed:011d}"
    return body + my_number.calc_check_digit(body)


def _script(
    find: Callable[[str], UUID | None], link: Callable[[UUID, str], bool], n: list[str], t: list[UUID]
) -> list[Any]:
    """A chunk's worth of finds and links: repeats, both kinds of conflict, invalid numbers."""
    outcomes: list[Any] = []

    def attempt(fn: Callable[[], Any]) -> None:
        try:
            outcomes.append(fn())
        except (VaultConflictError, ValueError) as error:
            outcomes.append((type(error).__name__, str(error)))

    attempt(lambda: find(n[0]))  # linked before the chunk
    attempt(lambda: link(t[0], n[0]))  # same link again: False
    attempt(lambda: link(t[1], n[0]))  # number of someone else
    attempt(lambda: find(n[1]))  # not linked yet
    attempt(lambda: link(t[1], n[1]))  # new link
    attempt(lambda: find(n[1]))  # found within the chunk
    attempt(lambda: link(t[1], n[1]))  # again: False
    attempt(lambda: link(t[1], n[2]))  # taxpayer already has another number
    attempt(lambda: link(t[2], n[1]))  # number just linked to t1
    attempt(lambda: link(t[2], n[2]))  # new link
    attempt(lambda: link(t[3], "123456789012"))  # bad check digit: ValueError
    attempt(lambda: find("123"))  # invalid: None
    attempt(lambda: find(n[3]))  # not prefetched, not linked
    attempt(lambda: link(t[4], n[3]))  # not prefetched either
    return [(str(t.index(o)) if isinstance(o, UUID) else o) for o in outcomes]


def test_vault_batch_equals_find_and_link_one_by_one(durable_container: Any) -> None:
    vault = durable_container.vault
    plain_numbers = [_number(10_000 + i) for i in range(4)]
    batch_numbers = [_number(20_000 + i) for i in range(4)]
    plain_ids = [uuid.uuid4() for _ in range(5)]
    batch_ids = [uuid.uuid4() for _ in range(5)]
    assert vault.link(plain_ids[0], plain_numbers[0]) and vault.link(batch_ids[0], batch_numbers[0])

    expected = _script(vault.find, vault.link, plain_numbers, plain_ids)

    batch = vault.batch(batch_numbers[:3], batch_ids[:3])
    got = _script(batch.find, batch.link, batch_numbers, batch_ids)
    assert got == expected
    assert expected[4] is True and expected[2][0] == "VaultConflictError"  # the script does exercise both

    # Nothing is written before commit; after it, exactly what the one-by-one links wrote.
    assert vault.find(batch_numbers[1]) is None and not vault.is_linked(batch_ids[1])
    batch.commit()
    for numbers, ids in ((plain_numbers, plain_ids), (batch_numbers, batch_ids)):
        assert [vault.find(x) for x in numbers] == [ids[0], ids[1], ids[2], ids[4]]
        assert [vault.reveal(i) for i in ids] == [numbers[0], numbers[1], numbers[2], None, numbers[3]]
    batch.commit()  # nothing staged any more: no-op


def test_vault_batch_commit_refuses_a_number_linked_meanwhile(durable_container: Any) -> None:
    vault = durable_container.vault
    number, first, second = _number(30_001), uuid.uuid4(), uuid.uuid4()
    batch = vault.batch([number], [second])
    assert batch.link(second, number) is True
    vault.link(first, number)  # another writer, after the batch read the vault
    # The unique blind index refuses the row; nothing of the batch is written.
    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
        batch.commit()
    assert vault.find(number) == first and not vault.is_linked(second)
