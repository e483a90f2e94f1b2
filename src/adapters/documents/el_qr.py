"""The eL-QR symbol on a 納付書: QR parameters and drawing (reportlab) — OUR choices (ADR 0025).

The payload string comes from ``domain.documents.el_qr`` (our layout; the published 仕様書 of 地方税共同機構 could
not be verified from public sources). The symbol parameters below are ours too: model 2 QR (ISO/IEC 18004),
error correction level M, a module of 0.5 mm (a 66-character alphanumeric payload gives a version 4 symbol,
33 modules = 16.5 mm, plus the 4-module quiet zone the standard requires → 20.5 mm square) — large enough for
phone cameras and the 2.0 cm minimum common in payment-slip guidance. Swapping the layout or the parameters
touches only this module and the domain one (docs/formats/el-qr.md).
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm

from domain.documents import el_qr

ERROR_CORRECTION = "M"
QUIET_ZONE_MODULES = 4
MODULE = 0.5 * mm


def drawing(payload: str) -> tuple[Drawing, float]:
    """The symbol of a valid payload (``ValueError`` otherwise) at :data:`MODULE` per module, quiet zone
    included; returns the drawing and its side in millimetres."""
    el_qr.parse(payload)  # refuse to print anything that would not read back
    widget = QrCodeWidget(payload, barLevel=ERROR_CORRECTION, barBorder=QUIET_ZONE_MODULES)
    widget.qr.make()
    side = (widget.qr.getModuleCount() + 2 * QUIET_ZONE_MODULES) * MODULE
    widget.barWidth = widget.barHeight = side
    d = Drawing(side, side)
    d.add(widget)
    return d, side / mm
