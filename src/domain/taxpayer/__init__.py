"""Taxpayer registry (納税義務者管理)."""
