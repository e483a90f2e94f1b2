"""Japanese fonts for PDF documents: reportlab's built-in CID fonts (no font file, no download).

``HeiseiMin-W3`` (明朝, body text) and ``HeiseiKakuGo-W5`` (ゴシック, headings and amounts) through
``reportlab.pdfbase.cidfonts.UnicodeCIDFont`` (Adobe-Japan1 collection, ``UniJIS-UCS2-H`` encoding). The
fonts are referenced, not embedded: PDF viewers substitute a local Japanese font with the same metrics,
and text extraction maps the CIDs back to Unicode. Characters outside Adobe-Japan1 (rare 外字) cannot be
printed with them — the documents use only registered text, so this is accepted (ADR 0007).
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

MINCHO = "HeiseiMin-W3"
GOTHIC = "HeiseiKakuGo-W5"

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register both CID fonts with reportlab once per process (idempotent, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        known = set(pdfmetrics.getRegisteredFontNames())
        for name in (MINCHO, GOTHIC):
            if name not in known:
                pdfmetrics.registerFont(UnicodeCIDFont(name))
        _registered = True
