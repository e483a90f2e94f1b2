"""Received files and their reconciliation (取込)."""
