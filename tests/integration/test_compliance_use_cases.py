"""問合せ, 委託 and 移行 through the use-case bus (issue 21): every message has a handler, a command runs under
the declared purpose and its events are sealed before the call returns; a migration file's problems are
refused naming the input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.audit.merkle_log import sealed_position
from application.usecases import InvalidCommandError, compliance, contracts, inquiries, migration
from application.usecases.base import Message
from application.usecases.inquiries import InquiryReport, RecordInquiry, ShowInquiry
from application.usecases.migration import MigrateLegacy
from domain.audit.anomalies import jst_day
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from tests_support import staff_principal

HEADER = "record_type,address_number,name,kana,birth_date,sex,address,fiscal_year,tax_total,paid_total"


def test_every_compliance_message_is_registered(container: Any) -> None:
    messages = {
        value
        for module in (compliance, contracts, inquiries, migration)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Message) and value.__module__ == module.__name__
    }
    assert len(messages) == 17
    assert messages <= set(container.use_cases.registered())


def test_an_inquiry_runs_under_the_declared_purpose_and_is_sealed(durable_container: Any) -> None:
    c = durable_container
    who = staff_principal(c)
    inquiry = c.use_cases.execute(
        RecordInquiry("電話", "tax", "所得割の内訳を知りたい", as_purpose=Purpose.CORRECTION), who
    )
    (recorded,) = list(c.app.events.get(inquiry.id))
    assert (recorded.actor, recorded.purpose) == ("k-01", Purpose.CORRECTION)
    assert sealed_position(c) == c.app.head(), "the bus seals what the command stored"
    shown = c.use_cases.execute(ShowInquiry(inquiry.number), who)
    assert shown["content"] == "所得割の内訳を知りたい"
    day = jst_day(inquiry.received_at)  # 受付日 is the JST day
    assert c.use_cases.execute(InquiryReport(start=day, end=day), who)["total"] == 1


def test_a_migration_file_that_cannot_be_read_is_refused_with_its_line(
    container: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    who = staff_principal(container)
    head = container.app.head()
    with pytest.raises(DomainError) as refused:
        container.use_cases.execute(MigrateLegacy(bad), who)
    assert refused.value.code == "nothing_to_import" and "1行目 header" in refused.value.message
    assert container.app.head() == head, "nothing is stored"


def test_a_bad_gaiji_map_and_a_missing_file_name_the_input(container: Any, tmp_path: Path) -> None:
    source = tmp_path / "legacy.csv"
    source.write_text(HEADER + "\n", encoding="utf-8")
    gaiji = tmp_path / "gaiji.csv"
    gaiji.write_text("E001,髙\n", encoding="utf-8")
    with pytest.raises(InvalidCommandError) as bad_map:
        container.use_cases.execute(MigrateLegacy(source, gaiji), staff_principal(container))
    assert bad_map.value.field == "gaiji_map" and "gaiji.csv 1行目" in bad_map.value.message
    with pytest.raises(InvalidCommandError) as missing:
        container.use_cases.execute(MigrateLegacy(tmp_path / "none.csv"), staff_principal(container))
    assert missing.value.field == "file"
