"""Opaque cursors for list endpoints.

A cursor is base64url JSON holding the position after the last item served and a digest of the query it
belongs to; clients must treat it as opaque. A cursor used with a different query is refused (400).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, TypeVar

from interfaces.http.problems import Problem

T = TypeVar("T")


def _digest(query: dict[str, Any]) -> str:
    text = json.dumps(query, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def encode(after: Any, query: dict[str, Any]) -> str:
    raw = json.dumps({"a": after, "q": _digest(query)}, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode(cursor: str | None, query: dict[str, Any]) -> Any:
    """The position stored in ``cursor`` (None for the first page)."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
        after, digest = data["a"], data["q"]
    except Exception:
        raise Problem(
            400, "invalid-cursor", "cursor が不正です。前回の応答の next_cursor をそのまま指定してください。"
        ) from None
    if digest != _digest(query):
        raise Problem(
            400,
            "invalid-cursor",
            "cursor が検索条件と一致しません。条件を変えたときは cursor を付けずに検索し直してください。",
        )
    return after


def page_of(
    items: list[T], cursor: str | None, limit: int, query: dict[str, Any]
) -> tuple[list[T], str | None]:
    """Offset paging over an already materialised list (lists here hold no personal data)."""
    offset = decode(cursor, query) or 0
    if not isinstance(offset, int) or offset < 0:
        raise Problem(400, "invalid-cursor", "cursor が不正です。")
    chunk = items[offset : offset + limit]
    next_cursor = encode(offset + limit, query) if offset + limit < len(items) else None
    return chunk, next_cursor
