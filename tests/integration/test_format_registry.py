"""The format registry: a new import kind is its adapter, record type and registry entry — nothing else.

The toy kind below (a 転居届 memo file: 宛名番号 + 転居予定日) exists only in this test. It is declared
with the same pieces a shipped format uses (``CsvFormat`` for the adapter, a record dataclass, one
``FormatSpec``) and imported end to end through ``juminzei``'s importer in a container built with that
registry: no importer, CLI or bootstrap code names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from adapters.formats import resident_registry
from adapters.formats._base import FieldError, Row, iso
from adapters.formats.csv_format import CsvFormat
from adapters.formats.registry import FORMATS, read_file
from application.intake.formats import Family, FormatSpec, RecordServices
from domain.imports.batch import ImportBatch, LineAccepted, LineRejected, import_batch_id
from domain.intake import ChangeReason, ParsedRecord, RegistrationKind, ResidentRecord, Sex
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from domain.taxpayer.model import taxpayer_id
from interfaces.bootstrap import build

TOY_KIND = "toy-moving-memo"


@dataclass(frozen=True)
class MovingMemo:
    """Toy record: a taxpayer's announced 転居予定日."""

    address_number: str
    moving_on: date


def _parse_row(r: Row) -> MovingMemo:
    moving_on = r.iso_date(1)
    if moving_on.year < 2000:
        raise FieldError(r.name(1), "転居予定日が古すぎます。")
    return MovingMemo(address_number=r.digits(0, (10,)), moving_on=moving_on)


TOY_FORMAT = CsvFormat(
    TOY_KIND, ("宛名番号", "転居予定日"), _parse_row, lambda m: [m.address_number, iso(m.moving_on)]
)


def _memo_handler(services: RecordServices) -> Any:
    def handle(item: ParsedRecord[MovingMemo], chunk: Any, ctx: CommandContext) -> None:
        taxpayer = chunk.get(taxpayer_id(item.record.address_number))
        if taxpayer is None:
            chunk.rejected.append(LineRejected(item.line, "宛名番号", "宛名番号が登録されていません。"))
            return
        chunk.accepted.append(LineAccepted(item.line, item.fingerprint, str(taxpayer.id)))

    return handle


TOY_SPEC = FormatSpec(
    kind=TOY_KIND,
    label="転居予定メモ（テスト用）",
    family=Family.INTAKE,
    record_type=MovingMemo,
    parse=TOY_FORMAT.parse,
    handler=_memo_handler,
    preload=lambda records, vault: [taxpayer_id(r.address_number) for r in records],
)


def _resident(address_number: str) -> ResidentRecord:
    return ResidentRecord(
        address_number=address_number,
        individual_number=None,
        name="試験　太郎",
        kana="シケン　タロウ",
        sex=Sex.M,
        birth_date=date(1980, 4, 1),
        address="東京都目黒区中目黒二丁目３番４号",
        address_code="13110000602",
        household_number="5000000001",
        relationship="世帯主",
        change_reason=ChangeReason.EXISTING,
        change_date=date(2010, 4, 1),
        registration=RegistrationKind.RESIDENT,
    )


ONE, TWO = "1000000001", "1000000002"


def _ctx(command_id: str) -> CommandContext:
    return CommandContext(actor="clerk-1", purpose=Purpose.INTAKE, command_id=command_id, terminal="T-1")


def test_a_toy_kind_registered_in_a_test_imports_end_to_end(tmp_path: Path, make_settings: Any) -> None:
    registry = FORMATS.with_(TOY_SPEC)
    c = build(
        make_settings(f"sqlite:///{tmp_path / 'j.db'}", var_dir=tmp_path / "var"),
        upgrade=True,
        formats=registry,
    )
    try:
        residents = tmp_path / "residents.csv"
        resident_registry.write(residents, [_resident(ONE), _resident(TWO)])
        assert (
            c.intake.import_file(read_file("resident-registry", residents, registry), _ctx("r")).accepted == 2
        )

        memo = tmp_path / "memo.csv"
        TOY_FORMAT.write(
            memo,
            [
                MovingMemo(ONE, date(2026, 5, 1)),
                MovingMemo("9999999999", date(2026, 5, 1)),  # no such 宛名番号
                MovingMemo(TWO, date(1999, 1, 1)),  # fails the row parser
            ],
        )
        c.runner.catch_up()
        received = read_file(TOY_KIND, memo, registry)
        summary = c.intake.import_file(received, _ctx("memo"))
        assert (summary.kind, summary.received, summary.accepted, summary.rejected, summary.gap) == (
            TOY_KIND,
            3,
            1,
            2,
            0,
        )
        assert [(e.line, e.field) for e in summary.errors] == [(3, "宛名番号"), (4, "転居予定日")]
        batch: ImportBatch = c.app.repository.get(import_batch_id(TOY_KIND, received.sha256))
        assert batch.reconciled and batch.kind == TOY_KIND
        # A second import of the same file is a no-op, as for every shipped kind.
        assert c.intake.import_file(read_file(TOY_KIND, memo, registry), _ctx("memo-2")).already_imported
    finally:
        c.close()

    # The process-wide registry is untouched: the shipped container does not know the toy kind.
    assert TOY_KIND not in FORMATS
    shipped = build(make_settings(f"sqlite:///{tmp_path / 'j.db'}", var_dir=tmp_path / "var"))
    try:
        try:
            shipped.intake.import_file(received, _ctx("memo-3"))
        except DomainError as error:
            assert error.code == "unknown_kind"
        else:  # pragma: no cover - the assertion below explains the failure
            raise AssertionError("an unregistered kind must be refused")
    finally:
        shipped.close()


def test_every_shipped_kind_is_declared_once() -> None:
    kinds = [spec.kind for spec in FORMATS]
    assert len(kinds) == len(set(kinds))
    # Every kind that feeds the levy keeps its FilingKind's name and has a record type to rebuild it.
    levy = {spec.kind: spec.record_type for spec in FORMATS if spec.feeds_levy}
    assert FORMATS.record_types() == levy
    assert set(levy) == {"eltax-salary", "eltax-pension", "etax-return", "furusato-notice", "resident-return"}
    try:
        FORMATS.with_(next(iter(FORMATS)))
    except ValueError as error:
        assert "registered twice" in str(error)
    else:  # pragma: no cover
        raise AssertionError("a kind registered twice must be refused")
