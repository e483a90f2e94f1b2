"""Backup archives of the whole store (バックアップ; issue 17, ADR 0019).

An archive is a tar file holding ``manifest.json`` and one database image:

- SQLite: ``database.sqlite``, a consistent copy made with SQLite's online backup API while the store
  may be in use;
- PostgreSQL: ``database.pgdump``, ``pg_dump --format=custom`` of the whole database (event store, key
  store, My Number vault, audit leaves and checkpoints, read models and every other table).

The manifest names what the copy contains (event head, Merkle tree size, root and latest checkpoint,
shred-list length, projection checksums) and the SHA-256 of the image, so a restore can prove it restored
what was taken. The master key and the audit signing key are NOT in the archive: they stay in the key
custody of the operator (docs/operations.md).
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.hashing import sha256_file
from adapters.persistence.stores import StoreConfig

FORMAT = "juminzei-backup/1"
MANIFEST = "manifest.json"
IMAGES = {"sqlite": "database.sqlite", "postgres": "database.pgdump"}


class BackupError(RuntimeError):
    """A backup cannot be taken or restored; the message says why, in Japanese, for the operator."""


@dataclass(frozen=True)
class BackupManifest:
    data: dict[str, Any]

    @property
    def backup_id(self) -> str:
        return str(self.data["backup_id"])

    @property
    def dialect(self) -> str:
        return str(self.data["dialect"])

    @property
    def event_head(self) -> int:
        return int(self.data["event_head"])

    @property
    def tree_size(self) -> int:
        return int(self.data["audit"]["tree_size"])

    @property
    def root_hash(self) -> str | None:
        root = self.data["audit"]["root_hash"]
        return None if root is None else str(root)

    @property
    def shred_list_entries(self) -> int:
        return int(self.data["shred_list_entries"])

    @property
    def projections(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.data["projections"].items()}


def _run_tool(name: str, *args: str) -> None:
    """Run a PostgreSQL client tool; a failure is a ``BackupError`` with the start of its stderr."""
    done = subprocess.run([_tool(name), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{name} が失敗しました: {done.stderr.strip()[:500]}")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BackupError(
        f"{name} が見つかりません。PostgreSQL のクライアント (postgresql-client) を導入してください。"
    )


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def dump_image(store: StoreConfig, url: str, out: Path) -> None:
    """Write a consistent image of the store to ``out``."""
    if store.kind == "sqlite":
        assert store.sqlite_path is not None
        if not store.sqlite_path.exists():
            raise BackupError(f"データベースファイルがありません: {store.sqlite_path}")
        source = sqlite3.connect(store.sqlite_path)
        target = sqlite3.connect(out)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif store.kind == "postgres":
        _run_tool(
            "pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={out}", _libpq_url(url)
        )
    else:
        raise BackupError("メモリ上のストア (memory://) はバックアップできません。")


def write_archive(out: Path, manifest: dict[str, Any], image: Path) -> str:
    """Pack the manifest and the image into ``out`` (tar); returns the archive's SHA-256."""
    if out.exists():
        raise BackupError(f"出力先が既に存在します（上書きしません）: {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    partial = out.with_name(out.name + ".partial")
    with tarfile.open(partial, "w") as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        info.mode = 0o600
        tar.addfile(info, io.BytesIO(body))
        tar.add(image, arcname=IMAGES[manifest["dialect"]])
    partial.chmod(0o600)
    partial.rename(out)
    return sha256_file(out)


def read_archive(path: Path, into: Path) -> tuple[BackupManifest, Path]:
    """Unpack ``path`` into the directory ``into``; check its format and the image's hash."""
    if not path.exists():
        raise BackupError(f"バックアップファイルがありません: {path}")
    try:
        with tarfile.open(path, "r") as tar:
            names = set(tar.getnames())
            if MANIFEST not in names:
                raise BackupError(
                    f"{path}: manifest.json がありません（juminzei のバックアップではありません）。"
                )
            manifest_file = tar.extractfile(MANIFEST)
            assert manifest_file is not None
            data = json.loads(manifest_file.read().decode("utf-8"))
            if data.get("format") != FORMAT:
                raise BackupError(
                    f"{path}: 形式 {data.get('format')!r} は読めません（{FORMAT} が必要です）。"
                )
            image_name = IMAGES.get(str(data.get("dialect")))
            if image_name is None or image_name not in names:
                raise BackupError(f"{path}: データベースのイメージ {image_name} がありません。")
            tar.extract(image_name, into, filter="data")
    except (tarfile.TarError, ValueError, KeyError) as error:
        raise BackupError(f"{path}: バックアップを読めません: {error}") from error
    image = into / image_name
    expected = data["files"][image_name]
    actual = sha256_file(image)
    if actual != expected:
        raise BackupError(
            f"{path}: {image_name} のハッシュがマニフェストと一致しません（改変または破損）:"
            f" manifest {expected[:16]}…, file {actual[:16]}…"
        )
    return BackupManifest(data), image


def image_sha256(image: Path) -> str:
    return sha256_file(image)


def ensure_empty_target(store: StoreConfig, url: str) -> None:
    """Refuse to restore over a store that holds anything."""
    if store.kind == "sqlite":
        assert store.sqlite_path is not None
        if store.sqlite_path.exists() and store.sqlite_path.stat().st_size > 0:
            raise BackupError(
                f"復元先のファイルが既に存在します（空の復元先を指定してください）: {store.sqlite_path}"
            )
    elif store.kind == "postgres":
        import psycopg

        with psycopg.connect(_libpq_url(url)) as conn:
            count = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        if count and int(count[0]) > 0:
            raise BackupError(
                "復元先のデータベースにテーブルがあります（空のデータベースを指定してください）。"
            )
    else:
        raise BackupError("メモリ上のストア (memory://) には復元できません。")


def restore_image(store: StoreConfig, url: str, manifest: BackupManifest, image: Path) -> None:
    """Load the image into the (empty) target store."""
    wanted = "sqlite" if store.kind == "sqlite" else "postgres"
    if manifest.dialect != wanted:
        raise BackupError(
            f"バックアップは {manifest.dialect} のものです。復元先 ({wanted}) と種類が違います。"
        )
    if store.kind == "sqlite":
        assert store.sqlite_path is not None
        store.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=store.sqlite_path.parent, delete=False) as handle:
            partial = Path(handle.name)
        shutil.copyfile(image, partial)
        partial.rename(store.sqlite_path)
        return
    _run_tool(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        f"--dbname={_libpq_url(url)}",
        str(image),
    )
