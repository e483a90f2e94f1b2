"""住基ネット adapters: the fake 全国サーバー's roster file (round trip, malformed lines named by line and field),
the unverified HTTP adapter's answer parsing (round trip through a mock transport, malformed answers), and
the 4情報 comparison."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest

from adapters.juki.fake import HEADER, FakeNationalServer, RosterError, parse_roster
from adapters.juki.http import HttpResidentNetwork
from application.juki import ResidentNetworkError
from domain.juki.identity import FourItems, JukiRecord, mismatches, normalise_address
from domain.shared.person import Sex

ROW = ("12345678901", "123456789018", "目黒　花子", "東京都目黒区上目黒二丁目19番15号", "1980-04-01", "F")


def write(path: Path, *rows: tuple[str, ...]) -> Path:
    path.write_text("\n".join(",".join(r) for r in (HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_roster_round_trip_and_searches(tmp_path: Path) -> None:
    server = FakeNationalServer.from_file(write(tmp_path / "r.csv", ROW))
    (entry,) = server.entries
    assert entry.individual_number == ROW[1]
    assert entry.record == JukiRecord(ROW[0], ROW[2], ROW[3], date(1980, 4, 1), Sex.F)
    asked = FourItems("目黒 花子", "", date(1980, 4, 1), Sex.UNKNOWN)
    assert server.search_four_items(asked) == [entry.record]
    assert server.search_four_items(FourItems("目黒 花子", "", date(1980, 4, 2), Sex.F)) == []
    assert server.by_individual_number(ROW[1]) == entry.record
    assert server.by_individual_number("000000000000") is None
    assert all(ROW[1] not in q for _, q in server.queries), "the peer's log never holds the number"


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (("1234567890", *ROW[1:]), "2行目 住民票コード"),
        ((ROW[0], "12345", *ROW[2:]), "2行目 個人番号"),
        ((*ROW[:2], "", *ROW[3:]), "2行目 氏名"),
        ((*ROW[:4], "1980/04/01", "F"), "2行目 生年月日"),
        ((*ROW[:5], "X"), "2行目 性別"),
        (ROW[:5], "2行目: 項目数"),
    ],
)
def test_malformed_roster_lines_are_named(tmp_path: Path, row: tuple[str, ...], where: str) -> None:
    with pytest.raises(RosterError, match=where):
        parse_roster(write(tmp_path / "bad.csv", row))


def test_roster_without_its_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nohead.csv"
    path.write_text(",".join(ROW) + "\n", encoding="utf-8")
    with pytest.raises(RosterError, match="1行目: 見出し"):
        parse_roster(path)


def _client(handler: object) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


def test_http_adapter_round_trip() -> None:
    seen: list[tuple[str, dict[str, str]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, json.loads(request.content)))
        row = dict(zip(("住民票コード", "氏名", "住所", "生年月日", "性別"), (ROW[0], *ROW[2:]), strict=True))
        return httpx.Response(200, json={"本人確認情報": [row]})

    net = HttpResidentNetwork("https://juki.example/api/", client=_client(handler))
    (found,) = net.search_four_items(FourItems("目黒 花子", "x", date(1980, 4, 1), Sex.F))
    assert found.resident_code == ROW[0] and found.sex is Sex.F
    assert net.by_individual_number(ROW[1]) == found
    assert seen == [
        ("/api/four-items", {"氏名": "目黒 花子", "生年月日": "1980-04-01"}),
        ("/api/individual-number", {"個人番号": ROW[1]}),
    ]


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(200, text="not json"), "JSON"),
        (httpx.Response(200, json={"x": []}), "本人確認情報 の一覧"),
        (httpx.Response(200, json={"本人確認情報": [{"氏名": "a"}]}), "1件目: 項目"),
        (
            httpx.Response(
                200,
                json={
                    "本人確認情報": [
                        {"住民票コード": "1", "氏名": "a", "住所": "", "生年月日": "1980-01-01", "性別": "M"}
                    ]
                },
            ),
            "住民票コード",
        ),
        (httpx.Response(503), "接続または応答"),
    ],
)
def test_http_adapter_malformed_answers(response: httpx.Response, message: str) -> None:
    net = HttpResidentNetwork("https://juki.example", client=_client(lambda request: response))
    with pytest.raises(ResidentNetworkError, match=message):
        net.search_four_items(FourItems("a", "", date(1980, 1, 1), Sex.M))


def test_four_item_comparison_normalises_only_forms() -> None:
    record = JukiRecord(ROW[0], ROW[2], ROW[3], date(1980, 4, 1), Sex.F)
    same = FourItems("目黒 花子", "東京都目黒区上目黒二丁目１９－１５", date(1980, 4, 1), Sex.UNKNOWN)
    assert normalise_address("上目黒2丁目19番15号") == normalise_address("上目黒2-19-15")
    assert mismatches(FourItems("目黒 花子", ROW[3], date(1980, 4, 1), Sex.UNKNOWN), record) == ()
    assert mismatches(FourItems("目黒 花子", ROW[3], date(1980, 4, 1), Sex.M), record) == ("性別",)
    assert mismatches(FourItems("目黒 華子", "別の住所", date(1980, 4, 1), Sex.F), record) == ("氏名", "住所")
    assert mismatches(same, record) == ()  # full-width digits and 番/号 against a hyphen
    kanji_lot = FourItems("目黒 花子", "東京都目黒区上目黒二丁目十九番十五号", date(1980, 4, 1), Sex.F)
    assert mismatches(kanji_lot, record) == ("住所",)  # kanji numerals are not converted: a human decides
