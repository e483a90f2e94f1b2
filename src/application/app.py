"""The juminzei event-sourced application: one notification sequence for every aggregate.

One ``Application`` (name ``juminzei`` → tables ``juminzei_events`` / ``juminzei_snapshots``) keeps a
single notification log, so projections that join taxpayer, assessment and payment events follow one
sequence (reference notes §1.14; ADR 0002). Persistence is chosen by the environment built from settings
(POPO, SQLite or PostgreSQL); the mapper is the personal-data mapper of ADR 0004.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Transcoder

from application.ports import PersonalDataCipher
from application.serialization import JuminzeiTranscoder, PersonalDataMapper, register_enum
from domain.shared.person import RegistrationKind, Sex
from domain.shared.purpose import Purpose

register_enum("purpose", Purpose)
register_enum("sex", Sex)
register_enum("registration_kind", RegistrationKind)


class JuminzeiApplication(Application[UUID]):
    """Event store, repository and notification log for all juminzei aggregates."""

    name = "juminzei"

    def __init__(self, env: Mapping[str, str] | None, personal_cipher: PersonalDataCipher) -> None:
        self._personal_cipher = personal_cipher
        super().__init__(env=env)

    def construct_transcoder(self) -> Transcoder:
        return JuminzeiTranscoder()

    def construct_mapper(self) -> Mapper[UUID]:
        return PersonalDataMapper(
            transcoder=self.construct_transcoder(), personal_cipher=self._personal_cipher
        )

    def head(self) -> int:
        """Position of the last stored event in the notification log (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    def save_all(self, *aggregates: Any) -> int:
        """Save aggregates atomically; return the notification position of the last stored event."""
        recordings = self.save(*aggregates)
        return recordings[-1].notification.id if recordings else self.head()
