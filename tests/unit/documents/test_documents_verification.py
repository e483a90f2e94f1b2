"""Certificate verification codes: canonical payload, HMAC code, verification and tampering."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date

import doc_samples as samples
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.documents.verification import (
    ALPHABET,
    certificate_code,
    normalise,
    short_code,
    sign,
    verify_code,
)
from domain.documents.models import CertificateModel
from domain.documents.verification import PAYLOAD_PREFIX, certificate_payload

KEY = b"0123456789abcdef0123456789abcdef"
OTHER_KEY = b"fedcba9876543210fedcba9876543210"


def test_payload_is_canonical_and_excludes_the_code() -> None:
    model = samples.certificate()
    payload = certificate_payload(model)
    assert payload.startswith(PAYLOAD_PREFIX)
    body = json.loads(payload[len(PAYLOAD_PREFIX) :].decode("utf-8"))
    assert "verification_code" not in body
    assert body["certificate_number"] == "C2026-000077"
    assert "目黒　花子".encode() in payload  # UTF-8, not \\u escapes
    assert certificate_payload(replace(model, verification_code="ANY")) == payload
    assert certificate_payload(CertificateModel.from_dict(model.to_dict())) == payload


def test_code_format() -> None:
    code = certificate_code(KEY, samples.certificate())
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}", code)
    assert set(code.replace("-", "")) <= set(ALPHABET)
    assert short_code(code) == code[:14]
    assert certificate_code(KEY, samples.certificate()) == code  # deterministic


def test_signed_certificate_verifies_with_full_and_short_codes() -> None:
    model = sign(KEY, samples.certificate())
    code = model.verification_code
    assert verify_code(KEY, model, code)
    assert verify_code(KEY, model, short_code(code))
    assert verify_code(KEY, model, code.lower().replace("-", ""))
    assert verify_code(KEY, model, " ".join(code.split("-")))
    stored = CertificateModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert verify_code(KEY, stored, code)


def test_look_alike_letters_are_read_as_digits() -> None:
    model = sign(KEY, samples.certificate())
    code = model.verification_code
    typed = code.replace("0", "O").replace("1", "I")
    assert normalise(typed) == normalise(code)
    assert verify_code(KEY, model, typed)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda m: replace(
            m, taxes=replace(m.taxes, municipal_income_levy=m.taxes.municipal_income_levy - 100)
        ),
        lambda m: replace(m, subject=replace(m.subject, name="目黒　花代")),
        lambda m: replace(m, issue_date=date(2026, 7, 2)),
        lambda m: replace(m, certificate_number="C2026-000078"),
        lambda m: replace(m, purpose=""),
        lambda m: replace(m, remarks=()),
        lambda m: replace(m, basis=replace(m.basis, total_income=m.basis.total_income + 1)),
        lambda m: replace(m, fiscal_year=2025),
    ],
)
def test_tampered_model_does_not_verify(tamper) -> None:  # type: ignore[no-untyped-def]
    model = sign(KEY, samples.certificate())
    forged = tamper(model)
    assert forged != model
    assert not verify_code(KEY, forged, model.verification_code)
    assert not verify_code(KEY, forged, short_code(model.verification_code))


def test_taxable_and_non_taxable_certificates_have_different_codes() -> None:
    assert certificate_code(KEY, samples.certificate()) != certificate_code(
        KEY, samples.certificate("non_taxable")
    )


def test_wrong_key_and_garbage_do_not_verify() -> None:
    model = sign(KEY, samples.certificate())
    assert not verify_code(OTHER_KEY, model, model.verification_code)
    for garbage in (
        "",
        "ABCD",
        model.verification_code + "0",
        "Ü" * 32,
        short_code(model.verification_code)[:-1],
    ):
        assert not verify_code(KEY, model, garbage)


def test_short_key_is_refused() -> None:
    with pytest.raises(ValueError):
        certificate_code(b"short", samples.certificate())


_SIGNED = sign(KEY, samples.certificate())


@given(st.data())
def test_any_single_character_change_in_the_code_is_rejected(data: st.DataObject) -> None:
    chars = list(normalise(_SIGNED.verification_code))
    pos = data.draw(st.integers(min_value=0, max_value=len(chars) - 1))
    chars[pos] = data.draw(st.sampled_from([c for c in ALPHABET if c != chars[pos]]))
    assert not verify_code(KEY, _SIGNED, "".join(chars))
    assert not verify_code(KEY, _SIGNED, "".join(chars[:12])) or pos >= 12
