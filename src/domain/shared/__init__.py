"""Shared domain vocabulary: event metadata, purposes, identifiers (共通)."""
