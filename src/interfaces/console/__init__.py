"""The clerk web console (窓口・課税・収納の職員向け画面), served by ``juminzei serve`` at ``/`` (ADR 0027).

Server-rendered HTML (Jinja2, plain forms, no JavaScript): the same staff sign-in and sessions as the API
(``StaffService``), the same access policy decided before every screen, and every read or change through
``container.use_cases.execute(message, principal)`` — so each personal-data view is journaled with the
利用目的 the clerk declared in the header.
"""

from interfaces.console.app import attach, create_console

__all__ = ["attach", "create_console"]
