"""Retention and erasure (保管・消去)."""
