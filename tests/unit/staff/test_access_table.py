"""The bus's access table (application.access, ADR 0023): every message maps to a policy action, every action
exists, and each message's own purpose is one its action accepts — so the table cannot go stale."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import application.usecases as usecases
from application.access import MESSAGE_ACTIONS, SYSTEM_MESSAGES, action_of
from application.usecases.base import Command, Message, Query
from domain.staff.policy import ACTIONS


def _messages() -> set[type[Message[Any]]]:
    found: set[type[Message[Any]]] = set()
    for info in pkgutil.iter_modules(usecases.__path__):
        module = importlib.import_module(f"{usecases.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, Message)
                and value not in (Message, Command, Query)
                and value.__module__ == module.__name__
                and not value.__name__.startswith("_")
            ):
                found.add(value)
    return found


def test_every_bus_message_is_mapped_to_a_policy_action() -> None:
    messages = _messages()
    assert len(messages) > 70, "the use-case modules were walked"
    unmapped = sorted(m.__name__ for m in messages if m not in MESSAGE_ACTIONS and m not in SYSTEM_MESSAGES)
    assert unmapped == []
    assert not set(MESSAGE_ACTIONS) & SYSTEM_MESSAGES


def test_every_mapped_action_is_in_the_policy_catalogue_and_accepts_the_messages_purpose() -> None:
    for message, action in MESSAGE_ACTIONS.items():
        assert action in ACTIONS, f"{message.__name__} → {action}"
        spec = ACTIONS[action]
        if spec.purposes is not None:
            assert message.purpose in spec.purposes, f"{message.__name__}: {message.purpose} not for {action}"
        assert spec.roles, action


def test_system_messages_have_no_action() -> None:
    for message in SYSTEM_MESSAGES:
        assert action_of(message) is None


def test_every_registered_handler_is_covered(container: Any) -> None:
    registered = set(container.use_cases.registered())
    assert registered <= set(MESSAGE_ACTIONS) | SYSTEM_MESSAGES
