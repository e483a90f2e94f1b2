"""Numbered SQL migrations (``NNNN_name[.sqlite|.postgres].sql``), shipped inside the package.

They are package data, read with ``importlib.resources`` (``adapters.persistence.migrations``), so a wheel
or an image carries them; nothing looks for them relative to a source tree (ADR 0017).
"""
