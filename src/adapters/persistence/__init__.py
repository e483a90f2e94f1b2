"""Persistence wiring: event-store environment and the read-model database."""
