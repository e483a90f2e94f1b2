"""A configurable 住基ネット endpoint adapter — NOT verified against the real 全国サーバー interface.

The 住基ネット interface (CS 端末 / 全国サーバー 連携仕様, J-LIS) is not public, so this adapter speaks an
assumed JSON-over-HTTPS shape (ADR 0028) and is the only place that shape lives: replacing it with the
real protocol touches this file alone. It is used when ``JUMINZEI_JUKI_URL`` is set.

Requests (POST, JSON body, ``Authorization: Bearer <JUMINZEI_JUKI_TOKEN>`` when a token is configured):
``{url}/four-items`` with ``{"氏名", "生年月日"}`` and ``{url}/individual-number`` with ``{"個人番号"}``.
Answers: ``{"本人確認情報": [{"住民票コード", "氏名", "住所", "生年月日", "性別"}, …]}``. Anything else is a
``ResidentNetworkError`` naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from application.juki import ResidentNetworkError
from domain.juki.identity import FourItems, JukiRecord
from domain.shared.person import Sex


def parse_records(payload: Any) -> list[JukiRecord]:
    if not isinstance(payload, dict) or not isinstance(payload.get("本人確認情報"), list):
        raise ResidentNetworkError("応答に 本人確認情報 の一覧がありません")
    out: list[JukiRecord] = []
    for i, row in enumerate(payload["本人確認情報"], start=1):
        if not isinstance(row, dict):
            raise ResidentNetworkError(f"本人確認情報 {i}件目が オブジェクトではありません")
        try:
            code = str(row["住民票コード"])
            sex = str(row["性別"])
            record = JukiRecord(
                code, str(row["氏名"]), str(row["住所"]), date.fromisoformat(str(row["生年月日"])), Sex(sex)
            )
        except KeyError as e:
            raise ResidentNetworkError(f"本人確認情報 {i}件目: 項目 {e.args[0]} がありません") from e
        except ValueError as e:
            raise ResidentNetworkError(f"本人確認情報 {i}件目: 生年月日または性別が不正です") from e
        if not (len(code) == 11 and code.isdigit()):
            raise ResidentNetworkError(f"本人確認情報 {i}件目: 住民票コードが11桁の数字ではありません")
        out.append(record)
    return out


class HttpResidentNetwork:
    def __init__(self, url: str, token: str | None = None, *, client: httpx.Client | None = None) -> None:
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client or httpx.Client(timeout=10.0, headers=headers)

    def _post(self, path: str, body: dict[str, str]) -> list[JukiRecord]:
        try:
            response = self._client.post(f"{self.url}/{path}", json=body)
            response.raise_for_status()
            return parse_records(response.json())
        except httpx.HTTPError as e:
            raise ResidentNetworkError(f"接続または応答のエラー ({type(e).__name__})") from e
        except ValueError as e:  # the body is not JSON
            raise ResidentNetworkError("応答が JSON ではありません") from e

    def search_four_items(self, items: FourItems) -> list[JukiRecord]:
        return self._post("four-items", {"氏名": items.name, "生年月日": items.birth_date.isoformat()})

    def by_individual_number(self, number: str) -> JukiRecord | None:
        found = self._post("individual-number", {"個人番号": number})
        return found[0] if found else None
