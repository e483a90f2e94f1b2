"""Japanese fonts for PDF documents.

Preferred: **IPAex Gothic** (IPA Font License), shipped as a TrueType file inside the
``japanize-matplotlib`` package (a declared dependency), registered with reportlab and **embedded** (as a
subset) in every PDF — so Japanese text renders on any viewer or rasteriser, including machines with no
Japanese system fonts. The file is located without importing the package (which would import
matplotlib).

Fallback when the file is missing: reportlab's built-in CID fonts ``HeiseiMin-W3`` / ``HeiseiKakuGo-W5``
(Adobe-Japan1, referenced, not embedded: viewers substitute a local Japanese font). ADR 0007.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

EMBEDDED_NAME = "IPAexGothic"
CID_MINCHO = "HeiseiMin-W3"
CID_GOTHIC = "HeiseiKakuGo-W5"


def embedded_font_path() -> Path | None:
    """Path of the IPAex Gothic TTF if the package that ships it is installed."""
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"
    return path if path.is_file() else None


_FONT_PATH = embedded_font_path()
#: Font names used by the renderers: one embedded Gothic for everything, or the CID pair.
MINCHO = EMBEDDED_NAME if _FONT_PATH else CID_MINCHO
GOTHIC = EMBEDDED_NAME if _FONT_PATH else CID_GOTHIC

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the fonts with reportlab once per process (idempotent, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        known = set(pdfmetrics.getRegisteredFontNames())
        if _FONT_PATH is not None:
            if EMBEDDED_NAME not in known:
                pdfmetrics.registerFont(TTFont(EMBEDDED_NAME, str(_FONT_PATH)))
        else:
            for name in (CID_MINCHO, CID_GOTHIC):
                if name not in known:
                    pdfmetrics.registerFont(UnicodeCIDFont(name))
        _registered = True
