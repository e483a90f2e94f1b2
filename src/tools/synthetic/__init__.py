"""The deterministic synthetic municipality (docs/generate.md)."""
