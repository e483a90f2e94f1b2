"""委託: contracts, their 従事者 (contractor principals), handovers, returns, erasure confirmations and the
per-contract report for the 所属長 (seed II-4, III-4; docs/compliance.md).

Who may do what: registering a contract and assigning 従事者 takes a 所属長 in force; a handover is
recorded by the ward staff member who hands over or receives (any staff member with a normal grant in
force); an erasure confirmation by a 所属長. A 従事者 is a staff account holding a contractor role
(``Role.CONTRACTOR_DATA_ENTRY`` / ``CONTRACTOR_PRINT``); the access policy keeps them to the contract
actions (rule F-CONTRACTOR-SCOPE: no taxpayer search, no other residents). Opening the entry screen (or
the print files) of a handover is decided by the policy, checked against the contract (assigned, in
period, not returned) and journaled like every other read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from application.app import JuminzeiApplication
from application.staff import StaffService
from domain.audit.access import AccessRecord
from domain.compliance.contract import (
    TO_CONTRACTOR,
    WORK_KINDS,
    Contract,
    HandoverSlip,
    contract_id,
    handover_json,
)
from domain.shared.events import CommandContext, DomainError
from domain.staff.model import StaffMember
from domain.staff.policy import Principal, Resource
from domain.staff.values import CONTRACTOR_ROLES, Role, jst_date, utc

#: The contract action (policy) of each kind of work.
WORK_ACTION = {"data-entry": "contract.data_entry", "printing": "contract.print_files"}
WORK_ROLE = {"data-entry": Role.CONTRACTOR_DATA_ENTRY, "printing": Role.CONTRACTOR_PRINT}


@dataclass(frozen=True)
class ContractTerms:
    """委託契約の内容 (seed II-4): number, contractor, 委託事項, scope of the data, period, 再委託の許諾."""

    contract_no: str
    contractor: str
    work: str
    scope: str
    valid_from: date
    valid_to: date
    subcontracting: bool = False


class ContractService:
    """委託契約の管理と委託先従事者の利用."""

    def __init__(self, app: JuminzeiApplication, staff: StaffService) -> None:
        self.app = app
        self.staff = staff

    def get(self, contract_no: str) -> Contract:
        contract: Contract = self.app.require(
            contract_id(contract_no),
            f"契約番号 {contract_no} は登録されていません。",
            code="unknown_contract",
        )
        return contract

    def _member(self, staff_id: str) -> StaffMember:
        return self.staff.get(staff_id)

    def _require_supervisor(self, ctx: CommandContext, now: datetime) -> None:
        try:
            member = self._member(ctx.actor)
        except DomainError:
            member = None
        if member is None or not member.has_role(Role.SUPERVISOR, utc(now), self.staff.review_policy):
            raise DomainError(
                f"操作者 {ctx.actor} は有効な所属長の権限を持っていません。", code="not_supervisor"
            )

    def _require_ward_staff(self, staff_id: str, now: datetime) -> None:
        """A member of the ward's staff with a normal grant in force that is not a contractor role."""
        member = self._member(staff_id)
        roles = {g.role for g in member.grants if g.in_force(utc(now), self.staff.review_policy)}
        if not roles - CONTRACTOR_ROLES:
            raise DomainError(f"{staff_id} は有効な権限を持つ区の職員ではありません。", code="not_ward_staff")

    def register(self, terms: ContractTerms, *, ctx: CommandContext, now: datetime) -> Contract:
        self._require_supervisor(ctx, now)
        try:
            self.get(terms.contract_no)
        except DomainError:
            pass
        else:
            raise DomainError(f"契約番号 {terms.contract_no} は登録済みです。", code="already_registered")
        contract = Contract.register(
            contract_no=terms.contract_no,
            contractor=terms.contractor,
            work=terms.work,
            scope=terms.scope,
            valid_from=terms.valid_from,
            valid_to=terms.valid_to,
            subcontracting=terms.subcontracting,
            ctx=ctx,
        )
        self.app.save(contract)
        return contract

    def assign_worker(self, contract_no: str, *, staff_id: str, ctx: CommandContext, now: datetime) -> bool:
        """従事者の指定: the account must hold this contract's contractor role (and no ward role)."""
        self._require_supervisor(ctx, now)
        contract = self.get(contract_no)
        member = self._member(staff_id)
        needed = WORK_ROLE[contract.work]
        held = {g.role for g in member.grants if g.in_force(utc(now), self.staff.review_policy)}
        if needed not in held:
            raise DomainError(
                f"{staff_id} には「{needed.value}」の権限が付与されていません（staff grant --role {needed.value}）。",
                code="missing_contractor_role",
            )
        if held - CONTRACTOR_ROLES:
            raise DomainError(
                f"{staff_id} は区の業務の権限も持っています。委託先の従事者には委託の権限だけを付与してください。",
                code="mixed_roles",
            )
        changed = contract.assign_worker(staff_id=staff_id, ctx=ctx)
        self.app.save(contract)
        return changed

    def hand_over(self, contract_no: str, slip: HandoverSlip, *, ctx: CommandContext, now: datetime) -> int:
        """受渡しの記録. The ward side is the recording staff member (handing over, or receiving)."""
        contract = self.get(contract_no)
        ward_side = slip.handed_by if slip.direction == TO_CONTRACTOR else slip.received_by
        if ward_side != ctx.actor:
            raise DomainError(
                f"受渡しは区の側の当事者（{ward_side}）本人が記録してください（操作者 {ctx.actor}）。",
                code="not_party",
            )
        self._require_ward_staff(ctx.actor, now)
        number = contract.hand_over(slip, ctx=ctx)
        self.app.save(contract)
        return number

    def record_return(
        self,
        contract_no: str,
        *,
        number: int,
        count: int,
        sheets: int,
        on: date,
        ctx: CommandContext,
        now: datetime,
    ) -> bool:
        self._require_ward_staff(ctx.actor, now)
        contract = self.get(contract_no)
        changed = contract.record_return(
            number=number, count=count, sheets=sheets, received_by=ctx.actor, on=on, ctx=ctx
        )
        self.app.save(contract)
        return changed

    def confirm_erasure(
        self,
        contract_no: str,
        *,
        number: int,
        method: str,
        certificate: str | None,
        on: date,
        ctx: CommandContext,
        now: datetime,
    ) -> bool:
        self._require_supervisor(ctx, now)
        contract = self.get(contract_no)
        changed = contract.confirm_erasure(
            number=number, method=method, certificate=certificate, on=on, ctx=ctx
        )
        self.app.save(contract)
        return changed

    def principal(self, staff_id: str, now: datetime) -> Principal:
        """The policy's view of a staff member. The CLI attributes the actor by ``--as`` (verified
        sign-in is another issue), so the principal is taken as authenticated here."""
        member = self._member(staff_id)
        return Principal(
            staff_id=staff_id,
            grants=member.grants,
            break_glass=member.break_glass,
            authenticated=True,
            locked=member.locked,
        )

    def open_handover(
        self, contract_no: str, *, number: int, ctx: CommandContext, now: datetime
    ) -> dict[str, Any]:
        """The entry screen (data entry) or print files (printing) of one handover, for a 従事者.

        Policy first (the contract action of this kind of work), then the contract (assigned 従事者, in
        period, handover still with the contractor); the access is journaled before anything is shown."""
        contract = self.get(contract_no)
        action = WORK_ACTION[contract.work]
        decision = self.staff.authorize(
            self.principal(ctx.actor, now),
            action,
            Resource(kind="contract", id=contract_no, items=("受渡し資料",)),
            ctx.purpose,
            now,
        )
        if not decision.allowed:
            raise DomainError(decision.reason, code="forbidden")
        handover = contract.check_open(staff_id=ctx.actor, number=number, on=jst_date(utc(now)))
        self.app.save(
            AccessRecord.record_view(
                action=action,
                subject_ids=(),
                items=("受渡し資料",),
                criteria=("contract_no", "handover"),
                ctx=ctx,
            )
        )
        return {
            "contract_no": contract.contract_no,
            "work": contract.work,
            "work_label": WORK_KINDS[contract.work],
            "handover": handover_json(handover),
            "decision_id": decision.decision_id,
            "matched_rules": list(decision.matched_rules),
        }

    def report(self, contract_no: str, *, now: datetime, access_log: Any = None) -> dict[str, Any]:
        """委託先の取扱状況報告 for the 所属長: the contract, 従事者, handovers and what is outstanding."""
        contract = self.get(contract_no)
        today = jst_date(utc(now))
        accesses: list[dict[str, Any]] = []
        if access_log is not None:
            for worker in contract.workers:
                accesses += [
                    {"at": r["at"], "staff_id": worker, "action": r["action"], "purpose": r["purpose"]}
                    for r in access_log.by_staff(worker)
                ]
        handovers = [handover_json(h) for h in contract.handovers]
        to_contractor = [h for h in contract.handovers if h.direction == TO_CONTRACTOR]
        return {
            "contract_no": contract.contract_no,
            "contractor": contract.contractor,
            "work": contract.work,
            "work_label": WORK_KINDS[contract.work],
            "scope": contract.scope,
            "valid_from": contract.valid_from.isoformat(),
            "valid_to": contract.valid_to.isoformat(),
            "in_force": contract.in_force(today),
            "subcontracting": contract.subcontracting,
            "workers": list(contract.workers),
            "handovers": handovers,
            "totals": {
                "handed_over_count": sum(h.count for h in to_contractor),
                "handed_over_sheets": sum(h.sheets for h in to_contractor),
                "returned_count": sum(h.returned_count or 0 for h in to_contractor),
                "returned_sheets": sum(h.returned_sheets or 0 for h in to_contractor),
                "open": sum(1 for h in to_contractor if h.open),
                "erasure_confirmed": sum(1 for h in to_contractor if h.erased_on is not None),
            },
            "outstanding": contract.outstanding(today),
            "worker_accesses": sorted(accesses, key=lambda a: str(a["at"])),
            "as_of": today.isoformat(),
        }
