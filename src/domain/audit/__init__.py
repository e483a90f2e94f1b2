"""Audit records (アクセス記録・提供記録)."""
