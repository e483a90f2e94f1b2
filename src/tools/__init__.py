"""Tooling shipped beside the runtime, not part of it: the benchmarks (``juminzei bench``) and the
synthetic municipality (``juminzei generate``, ``juminzei demo``).

Its import-linter layer sits above ``interfaces``: tools may use every runtime package; the runtime never
imports tools, except the three CLI commands that run them, lazily inside the command (pyproject.toml).
"""
