"""One run at a time for every batch (一括処理の多重起動防止; issue 22, ADR 0021).

Each batch kind (and 年度 where it has one) has a lock. A second start while one runs is refused with a
Japanese message (CLI exit 6, HTTP 409 ``batch_running``) or, with ``--wait``, waits for the first to end.
The lock is a PostgreSQL session advisory lock (released by the server when the process dies, however it
dies) or, on SQLite, an exclusive ``flock`` on a file next to the store.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from domain.shared.events import DomainError

BATCH_LABELS = {
    "levy": "当初賦課",
    "reassess": "一括更正",
    "ledgers": "収納台帳の作成",
    "debit-export": "口座振替データの作成",
    "debit-import": "口座振替結果の取込",
    "closing": "年度末の締め",
    "retention": "保存期間経過後の消去",
    "rebuild": "読み取りモデルの再構築",
    "backup": "バックアップの取得",
    "replica-drain": "縮退運用の記録の反映",
}


class BatchAlreadyRunningError(DomainError):
    def __init__(self, kind: str, scope: str) -> None:
        label = BATCH_LABELS.get(kind, kind)
        where = f"（{scope}年度）" if scope.isdigit() else (f"（{scope}）" if scope else "")
        super().__init__(
            f"別の{label}が実行中です{where}。終わってから実行するか、--wait を付けて終了を待ってください。",
            code="batch_running",
        )
        self.kind = kind
        self.scope = scope


class BatchLock(Protocol):
    def hold(self, kind: str, scope: str = "", *, wait: bool = False) -> AbstractContextManager[None]:
        """Hold the lock of ``kind``/``scope`` for the block; raise ``BatchAlreadyRunningError`` if taken
        (unless ``wait``)."""
        ...
