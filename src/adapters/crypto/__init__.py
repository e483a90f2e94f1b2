"""Cryptography adapters: per-subject data keys, master key handling."""
