"""The key store keeps only the most recently used unwrapped data keys in memory; an evicted key is
unwrapped again from the database when it is needed, and a destroyed key stays destroyed."""

from __future__ import annotations

import os

import pytest

from adapters.crypto import keystore as keystore_module
from adapters.crypto.keystore import KeyDestroyedError, SqlKeyStore
from adapters.persistence.database import SqliteDatabase
from adapters.persistence.migrations import apply_migrations


def test_cache_is_bounded_and_evicted_keys_still_decrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keystore_module, "CACHE_SIZE", 5)
    db = SqliteDatabase(":memory:")
    apply_migrations(db)
    store = SqlKeyStore(db, os.urandom(32))
    sealed = {f"taxpayer:{i}": store.encrypt(f"taxpayer:{i}", f"名前{i}".encode(), b"aad") for i in range(12)}
    store.prepare(f"taxpayer:{i}" for i in range(12, 20))
    assert len(store._cache) == 5
    assert list(store._cache) == [f"taxpayer:{i}" for i in range(15, 20)], "least recently used go first"
    for key_id, ciphertext in sealed.items():  # every one evicted long ago: unwrapped again
        assert store.decrypt(key_id, ciphertext, b"aad") == f"名前{key_id.split(':')[1]}".encode()
    assert len(store._cache) == 5
    assert store.destroy("taxpayer:3")
    assert store.decrypt("taxpayer:3", sealed["taxpayer:3"], b"aad") is None
    with pytest.raises(KeyDestroyedError):
        store.encrypt("taxpayer:3", b"x", b"aad")
    db.close()
