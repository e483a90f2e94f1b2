"""Configuration (環境設定) from environment variables with the prefix ``JUMINZEI_`` (ADR 0002)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_VAR_DIR = Path("var")


class Settings(BaseSettings):
    """All runtime settings. Defaults give the embedded deployment: a SQLite file under ``./var/``."""

    model_config = SettingsConfigDict(env_prefix="JUMINZEI_", extra="ignore")

    #: ``sqlite:///path/to/file.db`` (default), ``postgresql://user@host:port/db`` or ``memory://`` (POPO).
    database_url: str = Field(default="sqlite:///var/juminzei.db")
    #: Base64 of 32 random bytes. Unset: a development key is generated into ``var_dir`` with a warning.
    master_key: str | None = None
    #: Where generated keys, outputs and the SQLite file live in the embedded deployment.
    var_dir: Path = DEFAULT_VAR_DIR
    #: The CLI's signed-in sessions (``staff sign-in``; mode 0600). Unset: ``var_dir/cli-session.json``.
    session_file: Path | None = None
    #: A batch job credential file (``staff job-credential issue --out``): the CLI and the worker run as
    #: that job (ADR 0023).
    credential_file: Path | None = None
    #: HTTP development tokens ``token:staff_id[:terminal],…`` (no second factor): accepted only with
    #: ``allow_dev_tokens``; ``juminzei serve`` refuses to start otherwise (ADR 0023).
    api_tokens: str = ""
    #: ``JUMINZEI_ALLOW_DEV_TOKENS=true``: development and test environments only, never production.
    allow_dev_tokens: bool = False
    #: Terminal / client identifier recorded in the access journal.
    terminal: str | None = None
    #: ``json`` (server mode) or ``console`` (readable in a terminal).
    log_format: str = "console"
    log_level: str = "WARNING"
    #: Ed25519 signing key for audit checkpoints (kept outside the database). Unset: ``var_dir/audit_ed25519.key``,
    #: generated on first use with a warning.
    audit_key_path: Path | None = None
    #: Secret for certificate verification codes (base64, 32 bytes). Unset: derived from the master key.
    certificate_key: str | None = None
    #: 消去鍵リスト: every destroyed data key, on storage other than the database and its backups (ADR 0019).
    #: Unset: ``var_dir/shred-list.jsonl``.
    shred_list_path: Path | None = None
    #: 縮退運用: run read-only (also detected on PostgreSQL by ``pg_is_in_recovery()``, ADR 0020).
    read_only: bool = False
    #: The replica's local, encrypted journal buffer. Unset: ``var_dir/degraded-journal.jsonl``.
    degraded_journal_path: Path | None = None
    #: Continuous witnessing (ADR 0021): an append-only file on separate storage and/or a second PostgreSQL
    #: database (INSERT/SELECT-only role) receiving every signed checkpoint as it is made.
    witness_file: Path | None = None
    witness_url: str | None = None
    #: 住基ネット 全国サーバー (ADR 0028): a roster CSV for the fake peer (demo, tests), or the URL of an
    #: endpoint speaking the assumed JSON shape of ``adapters/juki/http.py`` (not verified). Neither: not connected.
    juki_roster: Path | None = None
    juki_url: str | None = None
    juki_token: str | None = None
    #: Readiness fails when a witness has been unreachable or behind for longer than this (seconds).
    witness_max_delay: int = 300
    #: PostgreSQL connections per pool (read models, event store: two pools per process) — sized to the
    #: API's thread pool in server mode (docs/performance.md).
    db_pool_size: int = Field(default=4, ge=1, le=64)
    #: Threads the API's synchronous routes run in, per ``juminzei serve`` process.
    api_threads: int = Field(default=8, ge=1, le=128)
    #: Server mode on PostgreSQL: ``juminzei serve`` and ``juminzei worker`` run the sealer and the projection
    #: follower as threads (behind their advisory locks; standbys where ``audit seal --follow`` /
    #: ``projections follow`` units hold them). Off: only those units do.
    followers: bool = True
    #: Redis broker for dramatiq workers in server mode.
    broker_url: str = "redis://127.0.0.1:6379"

    def degraded_journal_file(self) -> Path:
        return self.degraded_journal_path or self.var_dir / "degraded-journal.jsonl"

    def shred_list_file(self) -> Path:
        return self.shred_list_path or self.var_dir / "shred-list.jsonl"

    def session_path(self) -> Path:
        return self.session_file or self.var_dir / "cli-session.json"
