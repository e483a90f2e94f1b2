"""委託契約 (outsourcing of the handling of 特定個人情報; seed II-4 委託事項1–5, III-4).

One aggregate per contract (id: uuid5 of the contract number). It records what the 評価書 promises:
the contract period, who at the contractor handles the data (従事者: principals with a contractor role),
every handover (受渡し: what, date, 件数・枚数, medium, handed by, received by — III-4 「日付、枚数を記録した
受渡しの確認」), its return (返却) and the confirmation that the contractor erased it (消去の確認, III-4
「消去内容の報告」). Handovers are refused outside the contract period; the entry screen of a handover
is opened only for an assigned 従事者, within the period, while the handover is not yet returned.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id

#: 委託事項 kinds (seed II-4): data entry of paper 課税資料, printing and enclosing of notices.
WORK_KINDS = {"data-entry": "データエントリー", "printing": "帳票印刷・封入封緘"}
#: Handover media (seed II-4 ④ 提供方法).
MEDIA = ("紙", "電子記録媒体", "LGWAN", "その他")
TO_CONTRACTOR, TO_WARD = "to-contractor", "to-ward"


def contract_id(contract_no: str) -> UUID:
    return deterministic_id("contract", contract_no)


@dataclass(frozen=True)
class HandoverSlip:
    """受渡しの記録事項 (III-4 「日付、枚数を記録した受渡しの確認」): what one handover records when made."""

    direction: str  # TO_CONTRACTOR | TO_WARD
    what: str
    reference: str | None  # the batch or print run it concerns (取込バッチ・印刷回)
    count: int  # 件数
    sheets: int  # 枚数
    medium: str
    handed_by: str
    received_by: str
    on: date


def slip_fields(source: object) -> dict[str, Any]:
    """The 受渡しの記録事項 of ``source`` (a slip, a handover, or the event that recorded one), by field name."""
    return {f.name: getattr(source, f.name) for f in fields(HandoverSlip)}


@dataclass(frozen=True)
class Handover(HandoverSlip):
    """受渡し: one transfer of material between the ward and the contractor, numbered, with what came after."""

    number: int
    returned_on: date | None = None
    returned_count: int | None = None
    returned_sheets: int | None = None
    returned_to: str | None = None
    erased_on: date | None = None
    erasure_method: str | None = None
    erasure_confirmed_by: str | None = None
    erasure_certificate: str | None = None

    @property
    def open(self) -> bool:
        """Still with the contractor (handed to it, not yet returned)."""
        return self.direction == TO_CONTRACTOR and self.returned_on is None

    @property
    def discrepancy(self) -> bool:
        return self.returned_on is not None and (
            self.returned_count != self.count or self.returned_sheets != self.sheets
        )

    @property
    def status(self) -> str:
        if self.direction == TO_WARD:
            return "区が受領"
        if self.returned_on is None:
            return "委託先で取扱中"
        if self.erased_on is None:
            return "返却済・消去確認待ち"
        return "返却済・消去確認済"


class Contract(Aggregate):
    """委託契約."""

    TOPIC = "juminzei.compliance.Contract"

    class Event(AuditedEvent):
        def personal_subject(self) -> str:
            return f"contract:{self.originator_id}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.compliance.Contract.Created"

    class Registered(Created):
        """委託契約の登録: contractor, work, period, scope, subcontracting (approved by a 所属長)."""

        TOPIC = "juminzei.compliance.ContractRegistered"
        contract_no: str
        contractor: str
        work: str
        scope: str
        valid_from: date
        valid_to: date
        subcontracting: bool

    class WorkerAssigned(Event):
        """従事者の指定: a contractor principal (staff account with a contractor role) on this contract."""

        TOPIC = "juminzei.compliance.ContractWorkerAssigned"
        staff_id: str

        def apply(self, aggregate: Contract) -> None:
            aggregate.workers = (*aggregate.workers, self.staff_id)

    class HandedOver(Event):
        """受渡し (date, 件数, 枚数, medium, handed by, received by)."""

        TOPIC = "juminzei.compliance.ContractHandedOver"
        number: int
        direction: str
        what: str
        reference: str | None
        count: int
        sheets: int
        medium: str
        handed_by: str
        received_by: str
        on: date

        def apply(self, aggregate: Contract) -> None:
            aggregate.handovers = (*aggregate.handovers, Handover(number=self.number, **slip_fields(self)))

    class Returned(Event):
        """返却: the material comes back (counts as counted on receipt)."""

        TOPIC = "juminzei.compliance.ContractMaterialReturned"
        number: int
        count: int
        sheets: int
        received_by: str
        on: date

        def apply(self, aggregate: Contract) -> None:
            aggregate._replace(
                replace(
                    aggregate.handover(self.number),
                    returned_on=self.on,
                    returned_count=self.count,
                    returned_sheets=self.sheets,
                    returned_to=self.received_by,
                )
            )

    class ErasureConfirmed(Event):
        """消去の確認: the contractor's report that copies were erased (method, date, certificate)."""

        TOPIC = "juminzei.compliance.ContractErasureConfirmed"
        number: int
        method: str
        certificate: str | None
        on: date

        def apply(self, aggregate: Contract) -> None:
            aggregate._replace(
                replace(
                    aggregate.handover(self.number),
                    erased_on=self.on,
                    erasure_method=self.method,
                    erasure_confirmed_by=self.actor,
                    erasure_certificate=self.certificate,
                )
            )

    def __init__(
        self,
        contract_no: str,
        contractor: str,
        work: str,
        scope: str,
        valid_from: date,
        valid_to: date,
        subcontracting: bool,
        **_metadata: Any,
    ) -> None:
        self.contract_no = contract_no
        self.contractor = contractor
        self.work = work
        self.scope = scope
        self.valid_from = valid_from
        self.valid_to = valid_to
        self.subcontracting = subcontracting
        self.workers: tuple[str, ...] = ()
        self.handovers: tuple[Handover, ...] = ()

    # -- commands ----------------------------------------------------------------------------------

    @classmethod
    def register(
        cls,
        *,
        contract_no: str,
        contractor: str,
        work: str,
        scope: str,
        valid_from: date,
        valid_to: date,
        subcontracting: bool,
        ctx: CommandContext,
    ) -> Contract:
        if not contract_no.strip() or not contractor.strip():
            raise DomainError("契約番号と委託先名を指定してください。", code="missing_field")
        if work not in WORK_KINDS:
            allowed = "、".join(f"{k}（{v}）" for k, v in WORK_KINDS.items())
            raise DomainError(
                f"委託事項 '{work}' は定義されていません。使用できる値: {allowed}", code="invalid_work"
            )
        if valid_to < valid_from:
            raise DomainError("契約期間の終了日が開始日より前です。", code="invalid_period")
        return cls._create(
            cls.Registered,
            id=contract_id(contract_no.strip()),
            contract_no=contract_no.strip(),
            contractor=contractor.strip(),
            work=work,
            scope=scope.strip(),
            valid_from=valid_from,
            valid_to=valid_to,
            subcontracting=subcontracting,
            **ctx.event_fields(),
        )

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on <= self.valid_to

    def _require_in_force(self, on: date, what: str) -> None:
        if not self.in_force(on):
            raise DomainError(
                f"{on.isoformat()} は契約 {self.contract_no} の期間（{self.valid_from.isoformat()}〜"
                f"{self.valid_to.isoformat()}）外のため、{what}はできません。",
                code="outside_contract_period",
            )

    def assign_worker(self, *, staff_id: str, ctx: CommandContext) -> bool:
        if staff_id in self.workers:
            return False
        self.trigger_event(self.WorkerAssigned, staff_id=staff_id, **ctx.event_fields())
        return True

    def hand_over(self, slip: HandoverSlip, *, ctx: CommandContext) -> int:
        self._require_in_force(slip.on, "受渡し")
        if slip.direction not in (TO_CONTRACTOR, TO_WARD):
            raise DomainError(f"受渡しの方向 '{slip.direction}' が不正です。", code="invalid_direction")
        if slip.medium not in MEDIA:
            raise DomainError(
                f"媒体 '{slip.medium}' は定義されていません。使用できる値: {'、'.join(MEDIA)}",
                code="invalid_medium",
            )
        if slip.count < 0 or slip.sheets < 0 or (slip.count == 0 and slip.sheets == 0):
            raise DomainError(
                "件数・枚数を0以上（どちらかは1以上）で指定してください。", code="invalid_count"
            )
        if not slip.what.strip():
            raise DomainError("受け渡すもの（--what）を指定してください。", code="missing_field")
        contractor_side = slip.received_by if slip.direction == TO_CONTRACTOR else slip.handed_by
        if contractor_side not in self.workers:
            raise DomainError(
                f"{contractor_side} はこの契約の従事者に指定されていません（contract assign-worker）。",
                code="not_a_worker",
            )
        number = len(self.handovers) + 1
        recorded = replace(slip, what=slip.what.strip(), reference=(slip.reference or "").strip() or None)
        self.trigger_event(self.HandedOver, number=number, **slip_fields(recorded), **ctx.event_fields())
        return number

    def handover(self, number: int) -> Handover:
        for h in self.handovers:
            if h.number == number:
                return h
        raise DomainError(
            f"契約 {self.contract_no} に受渡し番号 {number} はありません。", code="no_such_handover"
        )

    def _replace(self, handover: Handover) -> None:
        self.handovers = tuple(handover if h.number == handover.number else h for h in self.handovers)

    def record_return(
        self, *, number: int, count: int, sheets: int, received_by: str, on: date, ctx: CommandContext
    ) -> bool:
        """返却 (allowed after the contract ends: material must come back). Counts may differ — then the
        report shows the discrepancy; they are never silently corrected."""
        h = self.handover(number)
        if h.direction != TO_CONTRACTOR:
            raise DomainError("区が受領した受渡しは返却の対象ではありません。", code="not_returnable")
        if h.returned_on is not None:
            return False
        if on < h.on:
            raise DomainError("返却日が受渡し日より前です。", code="invalid_date")
        self.trigger_event(
            self.Returned,
            number=number,
            count=count,
            sheets=sheets,
            received_by=received_by,
            on=on,
            **ctx.event_fields(),
        )
        return True

    def confirm_erasure(
        self, *, number: int, method: str, certificate: str | None, on: date, ctx: CommandContext
    ) -> bool:
        h = self.handover(number)
        if h.direction != TO_CONTRACTOR:
            raise DomainError("区が受領した受渡しは消去確認の対象ではありません。", code="not_erasable")
        if h.returned_on is None:
            raise DomainError(
                "返却の記録がない受渡しの消去は確認できません（先に返却を記録してください）。",
                code="not_returned",
            )
        if h.erased_on is not None:
            return False
        if not method.strip():
            raise DomainError("消去方法（--method）を指定してください。", code="missing_field")
        if on < h.on:
            raise DomainError("消去日が受渡し日より前です。", code="invalid_date")
        self.trigger_event(
            self.ErasureConfirmed,
            number=number,
            method=method.strip(),
            certificate=(certificate or "").strip() or None,
            on=on,
            **ctx.event_fields(),
        )
        return True

    def check_open(self, *, staff_id: str, number: int, on: date) -> Handover:
        """The entry screen / print files of one handover: assigned worker, in period, not returned."""
        if staff_id not in self.workers:
            raise DomainError(
                f"{staff_id} は契約 {self.contract_no} の従事者ではありません。", code="not_a_worker"
            )
        self._require_in_force(on, "委託業務の画面の利用")
        h = self.handover(number)
        if h.direction != TO_CONTRACTOR:
            raise DomainError("この受渡しは委託先に渡されたものではありません。", code="not_handed_over")
        if not h.open:
            raise DomainError(
                f"受渡し {number} は {h.returned_on} に返却済みのため利用できません。", code="returned"
            )
        return h

    def outstanding(self, on: date) -> list[str]:
        """Japanese warnings for the 所属長's report: what is still missing at ``on``."""
        warnings: list[str] = []
        for h in self.handovers:
            if h.direction != TO_CONTRACTOR:
                continue
            if h.returned_on is None and on > self.valid_to:
                warnings.append(f"受渡し {h.number}: 契約終了後も未返却（{h.what}）")
            elif h.returned_on is None:
                warnings.append(f"受渡し {h.number}: 委託先で取扱中（{h.what}）")
            if h.discrepancy:
                warnings.append(
                    f"受渡し {h.number}: 返却数の不一致（渡した {h.count} 件・{h.sheets} 枚、返却"
                    f" {h.returned_count} 件・{h.returned_sheets} 枚）"
                )
            if h.returned_on is not None and h.erased_on is None:
                warnings.append(f"受渡し {h.number}: 消去の確認が未了")
        return warnings


def handover_json(h: Handover) -> dict[str, Any]:
    return {
        "number": h.number,
        "direction": h.direction,
        "what": h.what,
        "reference": h.reference,
        "count": h.count,
        "sheets": h.sheets,
        "medium": h.medium,
        "handed_by": h.handed_by,
        "received_by": h.received_by,
        "on": h.on.isoformat(),
        "status": h.status,
        "returned_on": h.returned_on.isoformat() if h.returned_on else None,
        "returned_count": h.returned_count,
        "returned_sheets": h.returned_sheets,
        "returned_to": h.returned_to,
        "discrepancy": h.discrepancy,
        "erased_on": h.erased_on.isoformat() if h.erased_on else None,
        "erasure_method": h.erasure_method,
        "erasure_confirmed_by": h.erasure_confirmed_by,
        "erasure_certificate": h.erasure_certificate,
    }
