"""Intake file formats (DESIGN §10). One module per format; see docs/formats/."""

from adapters.formats._base import (
    ParseOutcome,
    ParseStream,
    kana_match_key,
    kana_normalise,
    sha256_file,
)

__all__ = ["ParseOutcome", "ParseStream", "kana_match_key", "kana_normalise", "sha256_file"]
