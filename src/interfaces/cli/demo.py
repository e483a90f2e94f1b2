"""``juminzei demo``: a whole synthetic municipality on the embedded default, no servers.

Deterministic for (taxpayers, seed): generates the ward's files, imports them in manifest order with
full reconciliation, resolves nothing by hand (queues are shown), looks a taxpayer up through the
journaled query service and reports. Later issues extend this same command until it runs a whole tax year.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import typer

from adapters.audit.merkle_log import seal, verify
from adapters.documents import employer_csv
from adapters.documents.pdf import render
from adapters.formats.registry import read_file
from application.usecases import Principal
from application.usecases.assessments import EmployerListQuery, LevyTotalsQuery
from application.usecases.base import Message
from application.usecases.collection import (
    CollectionTotals,
    DebitRequests,
    ImportDebitResult,
    IssueDunning,
    OpenLedgers,
    PayRefunds,
    ReconcilePayments,
    ResolveSuspense,
    SettleOverpayments,
    SuspenseList,
)
from application.usecases.documents import IssueCertificate, IssueEmployerNotices, IssueNotice
from application.usecases.intake import ImportFile, ImportReceived, KeyResidentReturn
from application.usecases.levy import RunLevy
from application.usecases.operations import CatchUpReadModels
from application.usecases.registry import SearchTaxpayers
from domain.assessment.values import AssessmentStatus
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from interfaces.bootstrap import Container
from interfaces.bootstrap.demo_staff import enrol_demo_staff
from interfaces.cli.common import JSON_OPTION, console, container, print_json, run_guarded, settings

T = TypeVar("T")

#: The demo's own staff member: bootstrapped as the first 所属長 on an empty store and signed in with the
#: same password + TOTP path as anyone (``demo_sign_in``). Its events and journal entries name it.
DEMO_ACTOR = "demo01"
#: A demo password (the demo's store holds synthetic data only; never use the demo store for real data).
DEMO_PASSWORD = "demo-password-juminzei"


def run_demo(c: Container, *, taxpayers: int, seed: int, fiscal_year: int, out_dir: Path) -> dict[str, Any]:
    """Generate, import, project and query; return the summary (JSON-safe, no personal data)."""
    # Tooling (package ``tools``): imported here, not at module level (pyproject [tool.importlinter]).
    from tools.synthetic.generator import generate

    started = time.perf_counter()
    manifest = generate(out_dir, taxpayers=taxpayers, seed=seed, fiscal_year=fiscal_year)
    imports: list[dict[str, Any]] = []
    for entry in manifest["files"]:
        received = read_file(entry["kind"], out_dir / entry["path"])
        imported = _run(c, ImportReceived(received), f"demo:{received.sha256[:16]}")
        imports.append(
            {
                "kind": imported.kind,
                "file": entry["path"],
                "received": imported.received,
                "accepted": imported.accepted,
                "rejected": imported.rejected,
                "quarantined": imported.quarantined,
                "duplicates": imported.duplicates,
                "gap": imported.gap,
                "already_imported": imported.already_imported,
            }
        )
    applied = _run(c, CatchUpReadModels(), f"demo-catch-up:{fiscal_year}")
    levy = _run(c, RunLevy(fiscal_year), f"demo-levy:{fiscal_year}")
    totals = _run(c, LevyTotalsQuery(fiscal_year), f"demo-totals:{fiscal_year}")
    registered = c.taxpayer_queries.directory.count()
    sample = c.taxpayer_queries.directory.search("", None, 1)
    kana = sample[0].kana[:2] if sample else "ア"
    hits = _run(c, SearchTaxpayers(kana, None, 1000, Purpose.DEMO), f"demo-query:{time.time_ns()}")
    documents = _write_documents(c, fiscal_year, out_dir.parent.parent / "out" / f"fy{fiscal_year}")
    collection = _run_collection(c, fiscal_year, out_dir, out_dir.parent.parent / "out" / f"fy{fiscal_year}")
    _run(c, CatchUpReadModels(), f"demo-catch-up:{fiscal_year}:end")
    status = c.runner.status()
    queues = c.intake_index.queue_counts()
    queues["扶養重複"] = len(c.intake_index.dependent_overlaps(fiscal_year))
    summary: dict[str, Any] = {
        "database": c.store.describe(),
        "seed": seed,
        "fiscal_year": fiscal_year,
        "data_dir": str(out_dir),
        "imports": imports,
        "reconciled": all(i["gap"] == 0 for i in imports),
        "taxpayers_registered": registered,
        "levy": {
            "levied": levy.levied,
            "non_taxable": levy.non_taxable,
            "skipped": levy.skipped,
            "skipped_reasons": dict(levy.skipped_reasons),
            "total_tax": levy.total_tax,
        },
        "levy_totals": {
            "assessments": totals.assessments,
            "levied": totals.levied,
            "non_taxable": totals.non_taxable,
            "total_tax": totals.total_tax,
            "municipal_income_levy": totals.municipal_income_levy,
            "prefectural_income_levy": totals.prefectural_income_levy,
            "per_capita_levy": totals.per_capita_levy,
            "forest_environment_tax": totals.forest_environment_tax,
        },
        "queues": queues,
        "anomalies_planted": [a["kind"] for a in manifest.get("anomalies", [])],
        "projections": {s.name: {"position": s.position, "lag": s.lag, "rows": s.rows} for s in status},
        "projection_events_applied": applied,
        "sample_search": {"hits": len(hits), "journaled": True},
        "documents": documents,
        "collection": collection,
        "event_log_head": c.app.head(),
        "master_key": "configured"
        if c.settings.master_key
        else "development key in var/ (not for real data)",
        "seconds": round(time.perf_counter() - started, 2),
    }
    sealed = seal(c)
    report = verify(c)
    summary["audit_log"] = {
        "tree_size": sealed.tree_size,
        "verified": report.ok,
        "unsealed_tail": report.unsealed_tail,
    }
    return summary


def _write_documents(c: Container, fiscal_year: int, out: Path) -> list[str]:
    """A few notices and a certificate into ``var/out/`` (each issuance recorded as an event)."""
    ctx = CommandContext(
        actor=DEMO_ACTOR, purpose=Purpose.INITIAL_LEVY, command_id=f"demo-docs:{fiscal_year}"
    )
    issue_date = date(fiscal_year, 6, 1)
    written: list[str] = []
    picked: dict[str, str] = {}
    for aid in c.ledger.assessments(fiscal_year):
        a: Any = c.app.repository.get(aid)
        key = "non_taxable" if a.status is AssessmentStatus.NON_TAXABLE else a.method.name.lower()
        if key not in picked:
            picked[key] = c.app.repository.get(a.taxpayer_id).address_number
    out.mkdir(parents=True, exist_ok=True)
    if "ordinary" in picked:
        doc = _run(c, IssueNotice("tax", picked["ordinary"], fiscal_year, issue_date), ctx.command_id)
        written.append(_save(out / f"tax-notice-{picked['ordinary']}.pdf", render(doc.model)))
    if "salary" in picked:
        doc = _run(c, IssueNotice("employee", picked["salary"], fiscal_year, issue_date), ctx.command_id)
        written.append(_save(out / f"special-collection-{picked['salary']}.pdf", render(doc.model)))
        cert = _run(
            c,
            IssueCertificate(picked["salary"], fiscal_year, issue_date),
            ctx.derive("certificate").command_id,
        )
        written.append(_save(out / f"certificate-{picked['salary']}.pdf", render(cert.model)))
    if "non_taxable" in picked:
        cert = _run(
            c,
            IssueCertificate(picked["non_taxable"], fiscal_year, issue_date),
            ctx.derive("non-taxable").command_id,
        )
        written.append(_save(out / f"certificate-{picked['non_taxable']}.pdf", render(cert.model)))
    employers = _run(c, EmployerListQuery(fiscal_year), ctx.command_id)
    if employers:
        number = employers[0]["designation_number"]
        notices = _run(c, IssueEmployerNotices(fiscal_year, issue_date, (number,)), ctx.command_id)
        doc = notices[0].document
        written.append(_save(out / f"employer-{number}.pdf", render(doc.model)))
        written.append(_save(out / f"employer-{number}.csv", employer_csv.write(doc.model)))
    return written


def _run_collection(c: Container, fiscal_year: int, data_dir: Path, out: Path) -> dict[str, Any]:
    """収納: ledgers, a bank payment file (exact, overpaid, unknown notice), a direct-debit round with one
    failure, overpayments settled (refund) and the 総合振込 file."""
    from adapters.formats import bank_payments, debit_mandates, zengin
    from domain.collection.records import (
        AccountType,
        Channel,
        DebitMandate,
        DebitResultLine,
        MandateAction,
        NewCode,
        NoticeReference,
        Receipt,
        ZenginHeader,
        ZenginKind,
    )
    from interfaces.cli.payments import ORIGINATOR_CODE, ORIGINATOR_NAME, WARD_BANK

    ctx = CommandContext(
        actor=DEMO_ACTOR, purpose=Purpose.COLLECTION, command_id=f"demo-collection:{fiscal_year}"
    )
    opened, _ = _run(c, OpenLedgers(fiscal_year), ctx.command_id)
    ordinary = []
    for uuid in c.collection_index.ledgers(fiscal_year):
        ledger: Any = c.app.repository.get(uuid)
        if ledger.charges and ledger.charges[0].label.startswith("第1期") and ledger.charges[0].amount > 0:
            ordinary.append(ledger)
    payers, debtors = ordinary[: max(len(ordinary) // 2, 1)], ordinary[len(ordinary) // 2 :][:3]
    receipts = [
        Receipt(
            Channel.BANK,
            f"DEMO-{i:05d}",
            date(fiscal_year, 6, 25),
            led.charges[0].amount + (10_000 if i == 0 else 0),
            NoticeReference(fiscal_year, led.notice_number, 1),
            collected_by="0001-001",
        )
        for i, led in enumerate(payers)
    ]
    receipts.append(
        Receipt(
            Channel.BANK,
            "DEMO-UNKNOWN",
            date(fiscal_year, 6, 26),
            4_000,
            NoticeReference(fiscal_year, "26999999999", 1),
            collected_by="0005-123",
        )
    )
    bank_file = data_dir / "bank_payments.csv"
    bank_payments.write(bank_file, receipts)
    bank = _run(c, ImportFile("bank-payments", bank_file, Purpose.COLLECTION), ctx.command_id)
    mandates = [
        DebitMandate(
            f"DEMO-M{i}",
            c.app.repository.get(led.taxpayer_id).address_number,
            MandateAction.REGISTER,
            date(fiscal_year, 4, 1),
            "0001",
            "001",
            AccountType("1"),
            f"{2000000 + i}",
            "ﾃﾞﾓ ｺｳｻﾞ",
        )
        for i, led in enumerate(debtors)
    ]
    mandate_file = data_dir / "debit_mandates.csv"
    debit_mandates.write(mandate_file, mandates)
    _run(c, ImportFile("debit-mandates", mandate_file, Purpose.COLLECTION), ctx.command_id)
    debit: dict[str, Any] = {"requested": 0}
    if debtors and debtors[0].charges[0].due_date:
        due = debtors[0].charges[0].due_date
        requests = _run(c, DebitRequests(due), ctx.command_id)
        header = ZenginHeader(
            ZenginKind.DEBIT,
            ORIGINATOR_CODE,
            ORIGINATOR_NAME,
            due.strftime("%m%d"),
            WARD_BANK[0],
            "",
            WARD_BANK[1],
            "",
            AccountType("1"),
            WARD_BANK[2],
        )
        results = [
            DebitResultLine(
                r.mandate.bank_code,
                "",
                r.mandate.branch_code,
                "",
                AccountType(r.mandate.account_type),
                str(r.mandate.account_number),
                str(r.mandate.holder_kana),
                r.amount,
                NewCode.OTHER,
                r.customer_number,
                "1" if i == len(requests) - 1 else "0",
            )
            for i, r in enumerate(requests)
        ]
        result_file = data_dir / "debit_result.txt"
        zengin.write_debit_result(result_file, header, results)
        debit = _run(c, ImportDebitResult(result_file), ctx.command_id)
        debit["requested"] = len(requests)
    samples = _import_sample_payments(c, data_dir, ctx)
    prior_year = _prior_year_arrears(c, fiscal_year, data_dir, payers[0] if payers else None, ctx)
    settled = _run(c, SettleOverpayments(date(fiscal_year, 7, 31)), ctx.command_id)
    paid = _run(c, PayRefunds(date(fiscal_year, 8, 10)), ctx.command_id)
    dunned = _run(c, IssueDunning(date(fiscal_year, 7, 20)), ctx.command_id)
    dunning_files = []
    for d in dunned[:3]:  # a few 督促状 as PDFs; every one is recorded as a document event
        if d.document is not None:
            name = f"dunning-{d.ledger.notice_number}-{d.period}.pdf"
            dunning_files.append(_save(out / name, render(d.document.model)))
    totals = _run(c, CollectionTotals(fiscal_year), ctx.command_id)
    return {
        "ledgers_opened": opened,
        "dunning": {"issued": len(dunned), "files": dunning_files},
        "bank_file": {
            "received": bank.received,
            "posted": bank.accepted,
            "suspense": bank.quarantined,
            "gap": bank.gap,
        },
        "direct_debit": {
            k: debit.get(k) for k in ("requested", "collected", "failed", "amount_collected", "by_code")
        },
        "sample_payment_files": samples,
        "prior_year_arrears": prior_year,
        "overpayments": {
            "appropriated": settled.appropriated,
            "appropriated_amount": settled.appropriated_amount,
            "refunded": settled.refunded,
            "refund_amount": settled.refund_amount,
            "refunds_paid": len(paid),
        },
        "totals": totals,
        "conserved": totals["received"] + totals["appropriated_in"]
        == totals["allocated"] + totals["held"] + totals["appropriated_out"] + totals["refund_determined"],
    }


#: The demo acts as its signed-in staff member (its events say so: actor ``demo01``, terminal ``demo``).
DEMO_PRINCIPAL = Principal(DEMO_ACTOR, "demo", kind="staff")


def _run(c: Container, message: Message[T], command_id: str) -> T:
    """One use case as the demo's staff member, under a deterministic command id (a rerun finds the same)."""
    return c.use_cases.execute(message, DEMO_PRINCIPAL, command_id=command_id)


def demo_sign_in(c: Container) -> dict[str, Any]:
    """Bootstrap the demo's 所属長 on an empty store (once), sign it in (TOTP computed here with the same
    adapter the service verifies with) and keep the session in the CLI's session file.

    The enrolment URI is kept in ``var/demo/demo-staff.json`` (mode 0600) so a rerun can sign in again.
    """
    import json
    import os
    from datetime import UTC, datetime, timedelta
    from urllib.parse import parse_qs, urlparse

    from adapters.auth.totp import PyotpTotp
    from domain.shared.events import DomainError
    from interfaces.cli import session

    record = c.settings.var_dir / "demo" / "demo-staff.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    try:
        c.staff.get(DEMO_ACTOR)
        enrolled = record.exists()
    except DomainError:
        enrolled = False
    if not enrolled:
        done = c.staff.bootstrap(
            staff_id=DEMO_ACTOR,
            name="デモ職員",
            department="税務課",
            password=DEMO_PASSWORD,
            terminal="demo",
            now=datetime.now(UTC),
        )
        fd = os.open(record, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"staff_id": DEMO_ACTOR, "password": DEMO_PASSWORD, "totp_uri": done.totp_uri}, out)
    uri = json.loads(record.read_text(encoding="utf-8"))["totp_uri"]
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    totp = PyotpTotp()
    path = c.settings.session_path()
    stored = session.find(path, DEMO_ACTOR)
    live = False
    if stored is not None:
        try:
            c.staff.check_session(stored.token, datetime.now(UTC))
            live = True
        except DomainError:
            live = False
    if not live:
        result = None
        for ahead in (0, 1):  # a rerun inside one 30-second window: the next step's code (never reused)
            now = datetime.now(UTC)
            code = totp.code_at(secret, now + timedelta(seconds=ahead * totp.interval))
            try:
                result = c.staff.sign_in(
                    staff_id=DEMO_ACTOR, password=DEMO_PASSWORD, totp_code=code, terminal="demo", now=now
                )
                break
            except DomainError:
                if ahead:
                    raise
        assert result is not None
        session.save(
            path,
            session.StoredSession(
                staff_id=result.staff_id,
                token=result.token,
                session_id=result.session_id,
                expires_at=result.expires_at.isoformat(),
            ),
        )
    return {
        "staff_id": DEMO_ACTOR,
        "roles": sorted(DEMO_ROLES),
        "credentials_file": str(record),
        "session_file": str(path),
        "sign_in": f"juminzei staff sign-in --staff-id {DEMO_ACTOR}（パスワードと TOTP 登録用URI: {record}）",
    }


DEMO_ROLES = ("所属長", "課税", "収納", "窓口", "運用", "個人番号利用事務実施者")


def _save(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        taxpayers: int = typer.Option(50, "--taxpayers", min=1, help="How many taxpayers to generate."),
        seed: int = typer.Option(1, "--seed", help="Random seed (same seed → same municipality)."),
        fiscal_year: int = typer.Option(2026, "--fiscal-year", help="年度 (2026 = 令和8年度)."),
        json_out: bool = JSON_OPTION,
    ) -> None:
        """Run the end-to-end demo on the configured store (default: SQLite under ./var/)."""
        cfg = settings()
        out_dir = cfg.var_dir / "demo" / f"seed{seed}-n{taxpayers}-fy{fiscal_year}"
        with container(upgrade=True, cfg=cfg) as c:
            staff = run_guarded(lambda: demo_sign_in(c))
            summary = run_demo(c, taxpayers=taxpayers, seed=seed, fiscal_year=fiscal_year, out_dir=out_dir)
            summary["demo_staff"] = staff
            summary["console"] = {
                "url": "http://127.0.0.1:8000/",
                "staff_file": str(enrol_demo_staff(c, approver=staff["staff_id"])),
            }
        if json_out:
            print_json(summary)
            return
        console.rule("juminzei demo")
        console.print(f"データベース: {summary['database']}")
        console.print(f"合成データ ({summary['fiscal_year']}年度): {summary['data_dir']}")
        for i in summary["imports"]:
            note = "（取込済み・変更なし）" if i["already_imported"] else ""
            console.print(
                f"  {i['kind']:<17} 受付{i['received']:>6} 受理{i['accepted']:>6} 不備{i['rejected']:>4}"
                f" 保留{i['quarantined']:>4} 重複{i['duplicates']:>4} 差異{i['gap']:>2}{note}",
                soft_wrap=True,
            )
        console.print(f"件数照合: {'一致' if summary['reconciled'] else '不一致あり'}")
        console.print(f"納税義務者（宛名）: {summary['taxpayers_registered']} 人")
        console.print("保留キュー: " + ", ".join(f"{k} {v} 件" for k, v in summary["queues"].items()))
        lt = summary["levy_totals"]
        console.print(
            f"当初賦課 ({summary['fiscal_year']}年度): 課税 {lt['levied']} 人 / 非課税 {lt['non_taxable']} 人 /"
            f" 税額 {lt['total_tax']:,} 円 (特別区民税所得割 {lt['municipal_income_levy']:,} 円, 都民税所得割"
            f" {lt['prefectural_income_levy']:,} 円, 均等割 {lt['per_capita_levy']:,} 円, 森林環境税"
            f" {lt['forest_environment_tax']:,} 円)",
            soft_wrap=True,
        )
        for name, proj in summary["projections"].items():
            console.print(f"読み取りモデル {name}: {proj['rows']} 行, 遅延 {proj['lag']}")
        console.print(f"宛名検索（アクセス記録あり）: {summary['sample_search']['hits']} 件")
        console.print(
            f"通知書・証明書: {len(summary['documents'])} 件 ({Path(summary['documents'][0]).parent if summary['documents'] else '-'})"
        )
        col = summary["collection"]
        console.print(
            f"収納: 調定 {col['ledgers_opened']} 件 / 銀行収納 {col['bank_file']['posted']} 件（保留 {col['bank_file']['suspense']} 件）/"
            f" 口座振替 振替済 {col['direct_debit']['collected']} 件・不能 {col['direct_debit']['failed']} 件 /"
            f" 還付 {col['overpayments']['refunded']} 件 / 収入 {col['totals']['received']:,} 円",
            soft_wrap=True,
        )
        console.print(
            f"  督促: {col['dunning']['issued']} 件（督促状 PDF {len(col['dunning']['files'])} 件）"
        )
        samples = col["sample_payment_files"]
        for f in samples["files"]:
            console.print(
                f"  収納データ {f['file']}: 受付 {f['received']} 消込 {f['posted']} 保留 {f['suspense']}"
                f" 重複 {f['duplicates']} 不備 {f['rejected']} 差異 {f['gap']}",
                soft_wrap=True,
            )
        console.print(
            f"  収納保留: 再照合で消込 {samples['rematched']} 件 / 還付処理 {samples['suspense_refunded']} 件 /"
            f" 未処理 {samples['suspense_open']} 件（juminzei payments suspense）",
            soft_wrap=True,
        )
        prior = col["prior_year_arrears"]
        if prior:
            levied = f"{prior['tax']:,} 円" if prior["levied"] else "（賦課済み）"
            console.print(
                f"  {prior['fiscal_year']}年度 期限後申告 → 随時賦課 {levied} → 過誤納金の充当"
                f" {col['overpayments']['appropriated']} 件 {col['overpayments']['appropriated_amount']:,} 円",
                soft_wrap=True,
            )
        audit = summary["audit_log"]
        console.print(f"監査ログ: {audit['tree_size']} 件を封印, 検証 {'OK' if audit['verified'] else 'NG'}")
        console.print(f"イベントログ末尾: {summary['event_log_head']}  マスター鍵: {summary['master_key']}")
        console.print(f"所要時間: {summary['seconds']} 秒")
        console.print(
            f"デモ職員: {staff['staff_id']}（{'・'.join(staff['roles'])}）としてサインイン済み。"
            f" 再サインイン: {staff['sign_in']}",
            highlight=False,
            soft_wrap=True,
        )
        console.print(
            f"職員コンソール: juminzei serve → {summary['console']['url']}"
            f"（デモ職員 demo-clerk / demo-inspector のサインイン情報: {summary['console']['staff_file']}）"
        )


def _import_sample_payments(c: Container, data_dir: Path, ctx: CommandContext) -> dict[str, Any]:
    """The generator's sample receipts (bank, コンビニ, 共通納税), then 再照合 and one 収納保留 resolved by hand:
    the receipt for a notice number no ledger has is refunded to its payer, with the reason."""
    import json
    from uuid import UUID

    manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    files = []
    for entry in manifest["payment_files"]:
        summary = _run(
            c, ImportFile(entry["kind"], data_dir / entry["path"], Purpose.COLLECTION), ctx.command_id
        )
        files.append(
            {
                "file": entry["path"],
                "received": summary.received,
                "posted": summary.accepted,
                "suspense": summary.quarantined,
                "duplicates": summary.duplicates,
                "rejected": summary.rejected,
                "gap": summary.gap,
            }
        )
    rematch = _run(c, ReconcilePayments(), ctx.command_id).rematch
    from adapters.formats import bank_payments

    planted = next(a for a in manifest["anomalies"] if a["kind"] == "unknown_payment_reference")
    unknown = next(
        r.record for r in bank_payments.parse(data_dir / planted["file"]).records if r.line == planted["line"]
    )
    refunded = 0
    for row in _run(c, SuspenseList(), ctx.command_id):
        if row["receipt_key"] == f"{unknown.channel.value}:{unknown.receipt_id}":
            reason = "他団体の納付書による誤納付（納付者へ還付）"
            _run(c, ResolveSuspense(UUID(row["suspense_id"]), reason, refund=True), ctx.command_id)
            refunded += 1
    return {
        "files": files,
        "rematched": rematch.posted,
        "suspense_refunded": refunded,
        "suspense_open": len(_run(c, SuspenseList(), ctx.command_id)),
    }


def _prior_year_arrears(
    c: Container, fiscal_year: int, data_dir: Path, ledger: Any, ctx: CommandContext
) -> dict[str, Any] | None:
    """An unpaid earlier 年度 for the taxpayer who overpaid: a 期限後申告 (住民税申告書 via the portal) for the
    year before, its 随時賦課 and ledger — so that settling the overpayment shows 充当 (地方税法 第17条の2)."""
    from adapters.formats import resident_registry
    from domain.filings.resident_return import ResidentReturn

    if ledger is None:
        return None
    taxpayer: Any = c.app.repository.get(ledger.taxpayer_id)
    # The demo's own source file (not a read of the system): the person as the registry sent them.
    person = next(
        (
            r.record
            for r in resident_registry.parse(data_dir / "resident_registry.csv").records
            if r.record.address_number == taxpayer.address_number and r.record.individual_number
        ),
        None,
    )
    if person is None:
        return None
    prior = fiscal_year - 1
    late_return = ResidentReturn(
        tax_year=prior - 1,
        individual_number=person.individual_number,
        name=person.name,
        kana=person.kana,
        birth_date=person.birth_date,
        address=person.address,
        business=1_200_000,
    )
    returned = KeyResidentReturn("submit", f"DEMO-LATE-{prior}", late_return)
    outcome = _run(c, returned, f"demo-late-return:{prior}")
    levied = _run(c, RunLevy(prior, (taxpayer.address_number,)), f"demo-levy:{prior}")
    opened, _ = _run(c, OpenLedgers(prior), ctx.derive(f"prior:{prior}").command_id)
    return {
        "fiscal_year": prior,
        "address_number": taxpayer.address_number,
        "return": outcome.filing_outcome,
        "levied": levied.levied,
        "tax": levied.total_tax,
        "skipped": dict(levied.skipped_reasons),
        "ledgers_opened": opened,
    }
