"""Tamper-evident audit log: the Merkle-log integrator, verifier and checkpoint signing (ADR 0008)."""
