"""当初賦課・随時賦課・一括更正: the levy use cases, the same from the CLI, the HTTP API and the worker.

当初賦課 assesses everyone liable on the 1 January 賦課期日 (地方税法 第318条); a taxpayer whose 課税資料
arrive later (期限後申告) is assessed by 随時賦課 of just that taxpayer. 一括更正 recomputes every assessment
whose active 課税資料 changed after it was levied. The rules themselves are in ``LevyService`` and the
domain; these handlers only validate the command and run it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol
from uuid import UUID

from application.assessment.levy import LevyRunResult, LevyService
from application.usecases.base import Call, Command, InvalidCommandError, Progress, UseCases
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from domain.taxpayer.model import taxpayer_id


@dataclass(frozen=True)
class LevyRunOutcome:
    """What a levy run did: counts, the total 税額 in yen, and why candidates were left out."""

    fiscal_year: int
    levied: int
    non_taxable: int
    skipped: int
    total_tax: int
    skipped_reasons: dict[str, int]

    @classmethod
    def of(cls, result: LevyRunResult) -> LevyRunOutcome:
        return cls(
            fiscal_year=result.fiscal_year,
            levied=result.levied,
            non_taxable=result.non_taxable,
            skipped=result.skipped_total,
            total_tax=result.total_tax,
            skipped_reasons=dict(sorted(Counter(result.skipped).items())),
        )


@dataclass(frozen=True)
class RunLevy(Command[LevyRunOutcome]):
    """当初賦課 of everyone with 課税資料 for the 年度, or 随時賦課 of the taxpayers named by 宛名番号.

    ``workers`` shares the candidates among that many processes where the store allows it (PostgreSQL);
    the events are the same as one process would store."""

    purpose: ClassVar[Purpose] = Purpose.INITIAL_LEVY
    batch: ClassVar[str | None] = "levy"

    fiscal_year: int
    address_numbers: tuple[str, ...] = ()
    workers: int = 1


@dataclass(frozen=True)
class ReassessmentOutcome:
    fiscal_year: int
    #: (assessment id, 差額 in yen) of each 更正.
    changes: tuple[tuple[UUID, int], ...]


@dataclass(frozen=True)
class ReassessChanged(Command[ReassessmentOutcome]):
    """一括更正: every assessment of the 年度 whose 課税資料 changed since it was levied."""

    purpose: ClassVar[Purpose] = Purpose.CORRECTION
    batch: ClassVar[str | None] = "reassess"

    fiscal_year: int
    reason: str = "課税資料の追加・訂正による更正"


class LevyExecutor(Protocol):
    """Runs ``LevyService.run`` in one process or shares it among worker processes (an adapter decides)."""

    def __call__(
        self,
        fiscal_year: int,
        ctx: CommandContext,
        *,
        workers: int,
        only: Sequence[UUID] | None,
        progress: Progress | None,
    ) -> LevyRunResult: ...


class LevyHandlers:
    def __init__(
        self, levy: LevyService, is_registered: Callable[[UUID], bool], execute: LevyExecutor
    ) -> None:
        self._levy = levy
        self._is_registered = is_registered
        self._execute = execute

    def run(self, command: RunLevy, call: Call) -> LevyRunOutcome:
        only: list[UUID] | None = None
        if command.address_numbers:
            bad = [t for t in command.address_numbers if not (t.isascii() and t.isdigit())]
            if bad:
                raise InvalidCommandError(
                    f"宛名番号は数字で指定してください: {', '.join(bad)}", field="taxpayer"
                )
            only = [taxpayer_id(t) for t in command.address_numbers]
            missing = [
                t
                for t, uid in zip(command.address_numbers, only, strict=True)
                if not self._is_registered(uid)
            ]
            if missing:
                raise InvalidCommandError(
                    f"宛名番号が登録されていません: {', '.join(missing)}", field="taxpayer"
                )
        if command.workers < 1:
            raise InvalidCommandError("ワーカー数は1以上で指定してください。", field="workers")
        result = self._execute(
            command.fiscal_year, call.context, workers=command.workers, only=only, progress=call.progress
        )
        return LevyRunOutcome.of(result)

    def reassess(self, command: ReassessChanged, call: Call) -> ReassessmentOutcome:
        if not command.reason.strip():
            raise InvalidCommandError("更正の理由を入力してください。", field="reason")
        changes = self._levy.reassess_changed(command.fiscal_year, call.context, command.reason)
        return ReassessmentOutcome(command.fiscal_year, tuple(changes))


def register(bus: UseCases, handlers: LevyHandlers) -> None:
    bus.register_handlers(handlers)


__all__: list[Any] = [
    "LevyHandlers",
    "LevyRunOutcome",
    "ReassessChanged",
    "ReassessmentOutcome",
    "RunLevy",
    "register",
]
