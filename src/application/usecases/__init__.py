"""Use cases (command and query handlers) that every entry point calls (issue 21; docs/architecture.md)."""

from application.usecases.base import (
    Authorizer,
    Call,
    Command,
    InvalidCommandError,
    Principal,
    Query,
    UnitOfWork,
    UseCases,
)

__all__ = [
    "Authorizer",
    "Call",
    "Command",
    "InvalidCommandError",
    "Principal",
    "Query",
    "UnitOfWork",
    "UseCases",
]
