"""移行 (legacy migration): import a predecessor system's export as events with source ``migration``.

Reading and normalising the file is the layout adapter's (``adapters.migration.legacy_csv``, injected);
accounting for every record and reconciling each 年度 against the file's control totals is
``MigrationService``'s. The report says whether every 年度 reconciled; the caller decides what a gap means
(the CLI exits 3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from application.migration import LegacyFileLike, MigrationService
from application.usecases.base import Call, Command, InvalidCommandError, UseCases
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose

#: Reads a migration file with an optional 外字対応表 (``ValueError`` naming the map's line).
LegacyReader = Callable[[Path, Path | None], LegacyFileLike]


class UnreadableMigrationFileError(DomainError):
    """The file cannot be read as the layout at all (encoding, empty, header): CLI exit 7, nothing stored."""

    def __init__(self, path: Path, line: int, field: str, message: str) -> None:
        super().__init__(f"{path}: {line}行目 {field}: {message}", code="nothing_to_import")
        self.path = path


@dataclass(frozen=True)
class MigrateLegacy(Command[dict[str, Any]]):
    """Import one migration file (idempotent per file and 外字対応表): the reconciliation and mapping report."""

    purpose: ClassVar[Purpose] = Purpose.REGISTRY
    reads_read_models: ClassVar[bool] = False

    path: Path
    #: The ward's 外字対応表 (``U+E000,文字[,備考]``).
    gaiji_map: Path | None = None
    source_system: str = "旧個人住民税システム"


class MigrationHandlers:
    def __init__(self, migration: MigrationService, read: LegacyReader, layout: str) -> None:
        self._migration = migration
        self._read = read
        self._layout = layout

    def migrate(self, command: MigrateLegacy, call: Call) -> dict[str, Any]:
        if not command.path.is_file():
            raise InvalidCommandError(f"ファイルがありません: {command.path}", field="file")
        if command.gaiji_map is not None and not command.gaiji_map.is_file():
            raise InvalidCommandError(f"外字対応表がありません: {command.gaiji_map}", field="gaiji_map")
        try:
            parsed = self._read(command.path, command.gaiji_map)
        except ValueError as error:
            raise InvalidCommandError(str(error), field="gaiji_map") from None
        if parsed.file_errors and not parsed.rows:
            raise UnreadableMigrationFileError(command.path, *parsed.file_errors[0])
        return self._migration.import_file(
            parsed, layout=self._layout, source_system=command.source_system, ctx=call.context
        )


def register(bus: UseCases, handlers: MigrationHandlers) -> None:
    bus.register_handlers(handlers)
