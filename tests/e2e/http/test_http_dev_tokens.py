"""Development tokens (``JUMINZEI_API_TOKENS``) are no side door (ADR 0023): every request made with one is
decided by the access policy on the live grants of the enrolled staff member it names; refusals are 403
problem documents and appear in the access journal; ``juminzei serve`` refuses tokens without the opt-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from http_support import TOKENS, auth, make_client, new_key

PERSON = {
    "address_number": "330000001",
    "name": "目黒花子",
    "kana": "メグロハナコ",
    "birth_date": "1985-05-05",
    "sex": "F",
    "address": "東京都目黒区中目黒一丁目1番1号",
}


def _denials(client: Any, staff_id: str) -> list[dict[str, Any]]:
    head = client.get("/health").json()["checks"]["projections"]["head"]
    access = client.get(
        "/audit/access",
        params={"staff": staff_id, "min_position": head},
        headers=auth("t-inspector", purpose="audit"),
    )
    assert access.status_code == 200, access.text
    return [e for e in access.json()["entries"] if e["action"].startswith("拒否:")]


def test_a_token_of_a_member_without_the_grant_is_refused_and_journaled(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        allowed = client.post("/taxpayers", json=PERSON, headers=auth(purpose="registry", key=new_key()))
        assert allowed.status_code == 201, allowed.text  # clerk01 holds 課税/窓口
        assert _denials(client, "inspector01") == []
        refused = client.post(
            "/taxpayers",
            json={**PERSON, "address_number": "330000002"},
            headers=auth("t-inspector", purpose="registry", key=new_key()),
        )
        assert refused.status_code == 403, refused.text
        body = refused.json()
        assert body["type"] == "/problems/forbidden", body
        assert "判定ID" in body["detail"]
        denials = _denials(client, "inspector01")
        assert [e["action"] for e in denials] == ["拒否:taxpayer.register"]
        decision_id = body["detail"].split("判定ID ")[1].rstrip("）")
        assert denials[0]["items"] == f"判断ID {decision_id}"


def test_a_token_naming_someone_not_enrolled_is_refused(tmp_path: Path) -> None:
    with make_client(tmp_path, tokens=f"{TOKENS},t-ghost:ghost99") as client:
        refused = client.post(
            "/taxpayers", json=PERSON, headers=auth("t-ghost", purpose="registry", key=new_key())
        )
        assert refused.status_code == 403, refused.text
        assert "二要素認証" in refused.json()["detail"]  # F-NOT-AUTHENTICATED: nobody enrolled by that id
        assert [e["action"] for e in _denials(client, "ghost99")] == ["拒否:taxpayer.register"]
        found = client.get("/taxpayers", params={"kana": "メグロ"}, headers=auth(purpose="registry"))
        assert found.status_code == 200 and found.json()["results"] == []  # nothing was registered


def test_serve_refuses_tokens_without_the_explicit_opt_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interfaces.serve import default_app

    monkeypatch.setenv("JUMINZEI_DATABASE_URL", f"sqlite:///{tmp_path / 'desk.db'}")
    monkeypatch.setenv("JUMINZEI_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("JUMINZEI_API_TOKENS", "t-clerk01:clerk01")
    monkeypatch.delenv("JUMINZEI_ALLOW_DEV_TOKENS", raising=False)
    with pytest.raises(ValueError, match="JUMINZEI_ALLOW_DEV_TOKENS=true"):
        default_app()
    monkeypatch.setenv("JUMINZEI_ALLOW_DEV_TOKENS", "true")
    assert default_app() is not None
