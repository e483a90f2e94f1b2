"""HTTP API for clerks (FastAPI): see docs/http-api.md and ADR 0013."""
