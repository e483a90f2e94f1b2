"""Route policy: every request (staff session or development token) is authorized by the access policy
(``domain.staff.policy``: deny by default, forbid overrides permit) before the route runs.

The action for each route (method + path template) is declared here; inspectors may only read, clerks act
only within their grants, statistics routes are aggregate-only. A refusal is a 403 problem carrying the
policy's Japanese reason and the decision id. Development tokens (``JUMINZEI_API_TOKENS``, only with
``JUMINZEI_ALLOW_DEV_TOKENS=true``) are decided here too, on the grants of the enrolled staff member they name.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.shared.purpose import Purpose
from domain.staff.policy import ACTIONS, Resource

#: (method, path template) → policy action.
ROUTE_ACTIONS: dict[tuple[str, str], str] = {
    ("POST", "/taxpayers"): "taxpayer.register",
    ("GET", "/taxpayers"): "taxpayer.search",
    ("GET", "/taxpayers/{address_number}/residence"): "taxpayer.view",
    ("POST", "/imports"): "intake.import",
    ("GET", "/queues/items"): "assessment.view",
    ("GET", "/queues/items/{filing_id}"): "assessment.view",
    ("POST", "/queues/items/{filing_id}/match"): "intake.import",
    ("POST", "/queues/items/{filing_id}/register-non-resident"): "intake.import",
    ("POST", "/queues/items/{filing_id}/forward"): "intake.import",
    ("POST", "/returns/{receipt}/entry"): "intake.import",
    ("POST", "/returns/{receipt}/verification"): "intake.import",
    ("POST", "/returns/{receipt}/correction"): "intake.import",
    ("POST", "/returns/{receipt}/electronic"): "intake.import",
    ("POST", "/levy/runs"): "levy.run",
    ("POST", "/levy/reassessments"): "assessment.correct",
    ("GET", "/assessments/{address_number}/{fiscal_year}"): "assessment.view",
    ("POST", "/assessments/{address_number}/{fiscal_year}/switch-method"): "assessment.correct",
    ("POST", "/assessments/{address_number}/{fiscal_year}/cancellation"): "assessment.correct",
    ("POST", "/assessments/{address_number}/{fiscal_year}/reductions"): "assessment.reduce",
    ("POST", "/assessments/{address_number}/{fiscal_year}/reductions/decision"): "assessment.reduce",
    ("POST", "/certificates"): "certificate.issue",
    ("GET", "/reports/levy-totals"): "statistics.report",
    ("GET", "/reports/tax-status-survey"): "statistics.report",
    ("GET", "/audit/replay/{aggregate_id}"): "audit.history",
    ("GET", "/audit/explain/{assessment_id}"): "audit.history",
    ("GET", "/audit/access"): "audit.history",
    ("GET", "/audit/verify"): "audit.verify",
    ("POST", "/jobs/imports"): "intake.import",
    ("POST", "/jobs/levy"): "levy.run",
    ("POST", "/jobs/documents"): "certificate.issue",
    ("POST", "/jobs/catch-up"): "projections.rebuild",
}


def action_for(method: str, path: str) -> str | None:
    return ROUTE_ACTIONS.get((method.upper(), path))


def purpose_for(action: str, declared: Purpose | None) -> Purpose:
    """The declared purpose, or the action's own purpose for commands whose purpose is fixed."""
    if declared is not None:
        return declared
    spec = ACTIONS[action]
    purposes = getattr(spec, "purposes", None)
    if purposes:
        first: Purpose = sorted(purposes, key=lambda p: p.name)[0]
        return first
    return Purpose.AUDIT if action.startswith("audit.") else Purpose.OPERATIONS


def authorize(
    staff_service: Any, session: Any, method: str, path: str, declared: Purpose | None
) -> Any | None:
    """The policy decision for a staff-session request, or None for routes without a declared action."""
    action = action_for(method, path)
    if action is None:
        return None
    kind = action.split(".")[0]
    return staff_service.authorize(
        session, action, Resource(kind=kind), purpose_for(action, declared), datetime.now(UTC)
    )
