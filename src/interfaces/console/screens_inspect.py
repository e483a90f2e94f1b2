"""監査 (screen 9 of the issue, second part): replay and explain one assessment.

「再計算」 runs the recorded input through the recorded rule set and compares it with the recorded trace line
by line (``ExplainAssessment``); the history shows every event of the assessment with who, why, which
command and source (``ReplayAggregate``). Both reads are journaled under the inspector's purpose.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from application.usecases.inspection import ExplainAssessment, ReplayAggregate
from domain.assessment.assessment import assessment_id
from domain.shared.events import DomainError
from domain.taxpayer.model import taxpayer_id
from interfaces.console.app import authorize, checked_form, clerk_of, execute, field, render

router = APIRouter()


@router.post("/audit/explain")
async def explain(request: Request) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "audit.history")
    number = field(form, "address_number")
    try:
        year = int(field(form, "fiscal_year"))
        target = assessment_id(taxpayer_id(number), year)
        explanation = execute(request, clerk, ExplainAssessment(target, clerk.purpose))
        replay = execute(request, clerk, ReplayAggregate(target, as_purpose=clerk.purpose))
    except ValueError:
        return render(
            request, "message.html", clerk, 422, title="再計算", message="年度を数字で入力してください。"
        )
    except DomainError as error:
        return render(request, "message.html", clerk, 422, title="再計算", message=str(error))
    return render(
        request, "inspect.html", clerk, x=explanation, replay=replay, address_number=number, fiscal_year=year
    )
