"""Purpose-bound access policy (目的別アクセス制御): deny by default, forbid overrides permit.

A decision is a pure function of (principal, action, resource, purpose, context incl. the clock). The
rule set is explicit data (``RULES``), in the Cedar style (reference §5; ADR 0012 records why this is
a small hand-written evaluator rather than ``cedarpy``):

1. every ``forbid`` rule whose condition holds denies, whatever permits;
2. otherwise an applicable ``permit`` rule allows;
3. otherwise the request is denied (no rule matched: deny by default).

Legal prohibitions are forbids that nothing can override, break-glass included: the My Number only for
a 個人番号利用事務実施者 in a 個人番号利用事務 (番号法 第9条第1項・別表; seed III-3), provision only along the
allowlist of legal bases (番号法 第19条). Each decision carries its id and the ids of the rules that
decided it, so the caller can record them in the audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from domain.shared.purpose import Purpose
from domain.staff.values import CONTRACTOR_ROLES, BreakGlass, Grant, ReviewPolicy, Role, utc

#: The data item name of the My Number, as resources list their items (``Resource.items``).
INDIVIDUAL_NUMBER_ITEM = "個人番号"


class ActionKind(Enum):
    READ = "read"
    COMMAND = "command"


@dataclass(frozen=True)
class ActionSpec:
    """One action of the closed catalogue: who may perform it, for which purposes, what it touches."""

    label: str
    kind: ActionKind
    roles: frozenset[Role]
    purposes: frozenset[Purpose] | None = None  # None: any declared purpose
    aggregate: bool = False  # output is aggregate only (statistics-safe)
    individual_number: bool = False  # reads or writes the My Number
    provision: bool = False  # provides or transfers data outside (番号法 第19条 allowlist)


_CLERKS = frozenset({Role.TAXATION, Role.COLLECTION, Role.COUNTER})
_READERS = _CLERKS | {Role.INSPECTOR}
_LEVY_PURPOSES = frozenset(
    {Purpose.INTAKE, Purpose.INITIAL_LEVY, Purpose.CORRECTION, Purpose.REDUCTION, Purpose.REGISTRY}
)


def _a(
    label: str,
    kind: ActionKind,
    roles: frozenset[Role] | set[Role],
    purposes: set[Purpose] | frozenset[Purpose] | None = None,
    **flags: bool,
) -> ActionSpec:
    return ActionSpec(
        label=label,
        kind=kind,
        roles=frozenset(roles),
        purposes=None if purposes is None else frozenset(purposes),
        **flags,
    )


R, C = ActionKind.READ, ActionKind.COMMAND

#: The action catalogue. An action not listed here is denied (rule F-UNKNOWN-ACTION).
ACTIONS: Mapping[str, ActionSpec] = {
    "taxpayer.register": _a("宛名登録", C, {Role.TAXATION, Role.COUNTER}, {Purpose.REGISTRY}),
    "taxpayer.search": _a("宛名検索", R, _READERS),
    "taxpayer.view": _a("宛名照会", R, _READERS),
    "taxpayer.search_by_number": _a(
        "個人番号による宛名検索", R, {Role.TAXATION, Role.COLLECTION}, individual_number=True
    ),
    "individual_number.reveal": _a(
        "個人番号の表示", R, {Role.TAXATION, Role.COLLECTION}, individual_number=True
    ),
    "individual_number.link": _a(
        "個人番号の紐付け", C, {Role.TAXATION}, {Purpose.REGISTRY, Purpose.INTAKE}, individual_number=True
    ),
    "intake.import": _a("課税資料取込", C, {Role.TAXATION}, {Purpose.INTAKE}),
    # 団体内統合宛名番号 (Sys4-4; application.usecases.integrated_address): 付番・追加・統合・分割, and 照会.
    "integrated_address.manage": _a(
        "団体内統合宛名番号の付番・統合・分割", C, {Role.TAXATION}, {Purpose.REGISTRY}
    ),
    "integrated_address.view": _a("団体内統合宛名番号の照会", R, _READERS),
    # 中間サーバー (Sys5; application.usecases.intermediate): 副本の登録, 情報提供, 情報照会.
    "intermediate.sync": _a("中間サーバーへの副本登録", C, {Role.TAXATION, Role.OPERATIONS}),
    "intermediate.provide": _a("中間サーバーを通じた情報提供", C, {Role.TAXATION, Role.OPERATIONS}),
    "intermediate.inquire": _a("中間サーバーへの情報照会", C, {Role.TAXATION, Role.COLLECTION}),
    # 住基ネット 本人確認 (Sys9, ⑪; application.usecases.juki): 4情報照会, 番号照会, 住登外登録前の本人確認.
    "juki.query": _a(
        "住基ネット4情報照会", R, {Role.TAXATION, Role.COLLECTION}, _LEVY_PURPOSES | {Purpose.COLLECTION}
    ),
    "juki.query_number": _a(
        "住基ネット個人番号照会", R, {Role.TAXATION, Role.COLLECTION}, _LEVY_PURPOSES, individual_number=True
    ),
    "juki.confirm": _a("住登外者の本人確認（住基ネット）", C, {Role.TAXATION}, {Purpose.INTAKE}),
    # 課税資料イメージ管理 (Sys8; application.usecases.images): 登録 and a journaled 表示.
    "filing_image.attach": _a("課税資料イメージの登録", C, {Role.TAXATION}, {Purpose.INTAKE}),
    "filing_image.view": _a("課税資料イメージの表示", R, _READERS, _LEVY_PURPOSES | {Purpose.AUDIT}),
    "levy.run": _a("当初賦課", C, {Role.TAXATION}, {Purpose.INITIAL_LEVY}),
    "assessment.view": _a("課税情報照会", R, _READERS),
    "assessment.correct": _a("更正", C, {Role.TAXATION}, {Purpose.CORRECTION}),
    "assessment.reduce": _a("減免", C, {Role.TAXATION}, {Purpose.REDUCTION}),
    "certificate.issue": _a("課税証明書交付", C, {Role.TAXATION, Role.COUNTER}, {Purpose.CERTIFICATE}),
    "certificate.convenience": _a(
        "コンビニ交付の証明書データ作成",
        C,
        {Role.TAXATION, Role.COUNTER, Role.OPERATIONS},
        {Purpose.CERTIFICATE},
    ),
    "payment.post": _a("収納消込", C, {Role.COLLECTION}, {Purpose.COLLECTION}),
    "refund.determine": _a("還付・充当", C, {Role.COLLECTION}, {Purpose.REFUND}),
    "disclosure.respond": _a(
        "開示請求対応", R, {Role.TAXATION, Role.COUNTER, Role.INSPECTOR}, {Purpose.DISCLOSURE_REQUEST}
    ),
    "provision.send": _a("情報提供", C, {Role.TAXATION, Role.COLLECTION}, _LEVY_PURPOSES, provision=True),
    "export.execute": _a("データ出力（外部提供）", C, {Role.TAXATION, Role.COLLECTION}, provision=True),
    "statistics.report": _a(
        "統計（集計のみ）", R, {Role.TAXATION, Role.INSPECTOR, Role.OPERATIONS}, aggregate=True
    ),
    "audit.history": _a("履歴照会（監査）", R, {Role.INSPECTOR}, {Purpose.AUDIT, Purpose.DISCLOSURE_REQUEST}),
    "audit.verify": _a("監査ログ検証", R, {Role.INSPECTOR, Role.OPERATIONS}),
    "projections.rebuild": _a("リードモデル再構築", C, {Role.OPERATIONS}, {Purpose.OPERATIONS}),
    "staff.grant": _a("権限付与", C, {Role.SUPERVISOR}, {Purpose.OPERATIONS}),
    "staff.revoke": _a("権限取消", C, {Role.SUPERVISOR}, {Purpose.OPERATIONS}),
    "staff.attest": _a("権限の定期確認", C, {Role.SUPERVISOR}, {Purpose.OPERATIONS}),
    "staff.unlock": _a("ロック解除", C, {Role.SUPERVISOR}, {Purpose.OPERATIONS}),
    "staff.review_break_glass": _a("緊急時アクセスの事後確認", C, {Role.SUPERVISOR}, {Purpose.OPERATIONS}),
    "staff.review": _a("アクセス権限一覧", R, {Role.SUPERVISOR, Role.INSPECTOR}),
    # 委託 (seed II-4, III-4): contractors' staff see only what was handed over to them.
    "contract.data_entry": _a(
        "委託データエントリー（受渡し分の入力画面）", R, {Role.CONTRACTOR_DATA_ENTRY}, {Purpose.INTAKE}
    ),
    "contract.print_files": _a("委託印刷（受渡し分の印刷ファイル）", R, {Role.CONTRACTOR_PRINT}),
    "contract.manage": _a("委託契約の管理", C, {Role.SUPERVISOR}, {Purpose.OPERATIONS}),
    "contract.handover": _a("委託先との受渡しの記録", C, {Role.TAXATION, Role.COLLECTION, Role.SUPERVISOR}),
    "contract.open_handover": _a(
        "委託先従事者による受渡し分の表示",
        R,
        {Role.CONTRACTOR_DATA_ENTRY, Role.CONTRACTOR_PRINT},
    ),
    "contract.report": _a("委託の状況報告", R, {Role.SUPERVISOR, Role.INSPECTOR}),
    # The use-case bus (application.access maps every message to one of these).
    "registry.migrate": _a("旧システムからの移行", C, {Role.TAXATION, Role.OPERATIONS}, {Purpose.REGISTRY}),
    "intake.view": _a("課税資料の取込状況・保留キュー", R, _READERS),
    "file.import": _a("ファイル取込（課税資料・収納データ）", C, {Role.TAXATION, Role.COLLECTION}),
    "collection.view": _a("収納状況照会", R, _READERS),
    "notice.issue": _a("通知書・納付書の発行", C, {Role.TAXATION, Role.COLLECTION}),
    "document.render": _a("発行済み帳票の表示", R, _CLERKS | {Role.OPERATIONS}),
    "inquiry.record": _a("問合せ・苦情の記録", C, _CLERKS),
    "inquiry.view": _a("問合せ・苦情の照会", R, _READERS),
    "audit.access": _a(
        "使用の記録の照会", R, {Role.INSPECTOR, Role.SUPERVISOR}, {Purpose.AUDIT, Purpose.DISCLOSURE_REQUEST}
    ),
    "audit.anomalies": _a("自己点検（異常な利用の検知）", R, {Role.INSPECTOR, Role.SUPERVISOR}),
    "audit.review_finding": _a("自己点検の所見の記録", C, {Role.SUPERVISOR}),
    "provision.view": _a(
        "提供・移転の状況", R, {Role.TAXATION, Role.COLLECTION, Role.INSPECTOR, Role.OPERATIONS}
    ),
    "provision.provide": _a("情報提供（提供許可リストによる）", C, {Role.TAXATION, Role.COLLECTION}),
    "provision.deliver": _a("移転データの送付", C, {Role.TAXATION, Role.OPERATIONS}),
    "export.request": _a("データ出力の申請", C, {Role.TAXATION, Role.COLLECTION}),
    "export.approve": _a("データ出力の承認", C, {Role.SUPERVISOR}),
    "export.run": _a("データ出力の実行", C, {Role.TAXATION, Role.COLLECTION}),
    "operations.retention": _a("保存期間の管理（消去・保留）", C, {Role.OPERATIONS, Role.SUPERVISOR}),
    "operations.backup": _a("バックアップ・復元", C, {Role.OPERATIONS}),
    "operations.keys": _a("マスター鍵の更新", C, {Role.OPERATIONS}, {Purpose.OPERATIONS}),
    "operations.replica": _a("縮退運用の記録の反映", C, {Role.OPERATIONS}),
}

#: The actions a contractor's staff member may ever be permitted (rule F-CONTRACTOR-SCOPE).
CONTRACTOR_ACTIONS = frozenset({"contract.data_entry", "contract.print_files", "contract.open_handover"})


@dataclass(frozen=True)
class Resource:
    """What is acted upon: a kind (``taxpayer``, ``assessment`` …), an optional id, and data items."""

    kind: str
    id: str | None = None
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Principal:
    """The acting staff member as the policy sees them (built from a live, two-factor session)."""

    staff_id: str
    grants: tuple[Grant, ...] = ()
    break_glass: tuple[BreakGlass, ...] = ()
    authenticated: bool = False
    session_id: str | None = None
    terminal: str | None = None
    locked: bool = False


@dataclass(frozen=True)
class AccessRequest:
    """(principal, action, resource, purpose, context)."""

    principal: Principal
    action: str
    resource: Resource
    purpose: Purpose
    now: datetime
    #: Set by the caller only after checking the provision allowlist (recipient, legal basis, items).
    provision_basis_allowed: bool = False
    review: ReviewPolicy = field(default_factory=ReviewPolicy)


@dataclass(frozen=True)
class Decision:
    """The outcome: allowed, a Japanese reason, the decision id and the rules that decided it."""

    allowed: bool
    reason: str
    decision_id: str
    matched_rules: tuple[str, ...]
    action: str
    purpose: Purpose


class Effect(Enum):
    PERMIT = "permit"
    FORBID = "forbid"


@dataclass(frozen=True)
class Facts:
    """What the rules read, computed once per request."""

    spec: ActionSpec | None
    roles: frozenset[Role]  # roles of normal grants in force (in date, attested, not revoked)
    break_glass_roles: frozenset[Role]  # roles of break-glass grants in force
    touches_individual_number: bool
    legal: bool  # a legal prohibition may apply (My Number or provision)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    effect: Effect
    description: str  # Japanese: shown to the clerk as the reason
    condition: Callable[[AccessRequest, Facts], bool]


def _facts(request: AccessRequest) -> Facts:
    now = utc(request.now)
    spec = ACTIONS.get(request.action)
    terminal = request.principal.terminal
    roles = frozenset(
        g.role
        for g in request.principal.grants
        if g.in_force(now, request.review) and g.usable(now, terminal)
    )
    bg_roles = frozenset(b.role for b in request.principal.break_glass if b.in_force(now))
    touches = INDIVIDUAL_NUMBER_ITEM in request.resource.items or bool(spec and spec.individual_number)
    return Facts(
        spec=spec,
        roles=roles,
        break_glass_roles=bg_roles,
        touches_individual_number=touches,
        legal=touches or bool(spec and spec.provision),
    )


def _needs(spec: ActionSpec | None) -> frozenset[Role]:
    return spec.roles if spec else frozenset()


_FORBIDS: tuple[Rule, ...] = (
    Rule(
        "F-UNKNOWN-ACTION",
        Effect.FORBID,
        "定義されていない操作です。",
        lambda r, f: f.spec is None,
    ),
    Rule(
        "F-NOT-AUTHENTICATED",
        Effect.FORBID,
        "二要素認証によるサインインが確認できません。",
        lambda r, f: not r.principal.authenticated or not r.principal.staff_id.strip(),
    ),
    Rule(
        "F-LOCKED",
        Effect.FORBID,
        "アカウントがロックされています。",
        lambda r, f: r.principal.locked,
    ),
    Rule(
        "F-MYNUMBER-DESIGNATION",
        Effect.FORBID,
        "個人番号利用事務実施者に指定されていない職員は個人番号を取り扱えません（番号法第9条）。",
        lambda r, f: f.touches_individual_number and Role.INDIVIDUAL_NUMBER not in f.roles,
    ),
    Rule(
        "F-MYNUMBER-PURPOSE",
        Effect.FORBID,
        "この利用目的は個人番号利用事務ではないため、個人番号を取り扱えません（番号法第9条・別表）。",
        lambda r, f: f.touches_individual_number and not r.purpose.uses_individual_number,
    ),
    Rule(
        "F-PROVISION-ALLOWLIST",
        Effect.FORBID,
        "提供先・法的根拠・項目が提供許可リストにありません（番号法第19条）。",
        lambda r, f: bool(f.spec and f.spec.provision) and not r.provision_basis_allowed,
    ),
    Rule(
        "F-BREAKGLASS-LEGAL",
        Effect.FORBID,
        "緊急時アクセスでは個人番号の取扱い・外部提供はできません。",
        lambda r, f: (
            f.legal and not (_needs(f.spec) & f.roles) and bool(_needs(f.spec) & f.break_glass_roles)
        ),
    ),
    Rule(
        "F-INSPECTOR-READONLY",
        Effect.FORBID,
        "監査の権限を持つ職員は参照のみで、更新操作はできません。",
        lambda r, f: Role.INSPECTOR in f.roles and f.spec is not None and f.spec.kind is ActionKind.COMMAND,
    ),
    Rule(
        "F-STATISTICS-AGGREGATE",
        Effect.FORBID,
        "統計作成の目的では集計結果のみ利用できます（個票の参照・更新はできません）。",
        lambda r, f: r.purpose is Purpose.STATISTICS and not (f.spec is not None and f.spec.aggregate),
    ),
    Rule(
        "F-CONTRACTOR-SCOPE",
        Effect.FORBID,
        "委託先の従事者は、受け渡された委託業務の画面以外は利用できません（検索・他の住民の参照はできません）。",
        lambda r, f: bool(f.roles & CONTRACTOR_ROLES) and r.action not in CONTRACTOR_ACTIONS,
    ),
    Rule(
        "F-PURPOSE-MISMATCH",
        Effect.FORBID,
        "この操作は申告された利用目的では行えません。",
        lambda r, f: f.spec is not None and f.spec.purposes is not None and r.purpose not in f.spec.purposes,
    ),
)


def _role_permit(role: Role) -> Rule:
    return Rule(
        f"P-ROLE-{role.name}",
        Effect.PERMIT,
        f"有効な「{role.value}」の権限による許可",
        lambda r, f: role in _needs(f.spec) and role in f.roles,
    )


def _break_glass_permit(role: Role) -> Rule:
    return Rule(
        f"P-BREAKGLASS-{role.name}",
        Effect.PERMIT,
        f"緊急時アクセス（{role.value}）による許可",
        lambda r, f: not f.legal and role in _needs(f.spec) and role in f.break_glass_roles,
    )


_PERMITS: tuple[Rule, ...] = (
    *(_role_permit(role) for role in Role if role is not Role.INDIVIDUAL_NUMBER),
    *(_break_glass_permit(role) for role in Role if role is not Role.INDIVIDUAL_NUMBER),
)

#: Every rule, forbids first. Rule ids are stable: decisions and audit events refer to them.
RULES: tuple[Rule, ...] = (*_FORBIDS, *_PERMITS)

DEFAULT_DENY = "NO-PERMIT"


def decide(request: AccessRequest, *, decision_id: str) -> Decision:
    """Evaluate the request: forbid overrides permit; no permit means deny."""
    facts = _facts(request)
    for allowed, rules in ((False, _FORBIDS), (True, _PERMITS)):
        matched = [rule for rule in rules if rule.condition(request, facts)]
        if matched:
            return Decision(
                allowed=allowed,
                reason="／".join(rule.description for rule in matched),
                decision_id=decision_id,
                matched_rules=tuple(rule.rule_id for rule in matched),
                action=request.action,
                purpose=request.purpose,
            )
    spec = facts.spec
    label = spec.label if spec else request.action
    return Decision(
        allowed=False,
        reason=f"「{label}」を行う有効な権限がありません（期限切れ・定期確認未了・取消済みを含む）。",
        decision_id=decision_id,
        matched_rules=(DEFAULT_DENY,),
        action=request.action,
        purpose=request.purpose,
    )
