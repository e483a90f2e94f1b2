"""A container built on first use and shared by the threads of one process (the API, a worker)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interfaces.bootstrap import Container


class LazyContainer:
    """Builds the container with ``factory`` when first asked for it; ``close`` closes it (a later ``get``
    builds a new one)."""

    def __init__(self, factory: Callable[[], Container]) -> None:
        self._factory = factory
        self._container: Container | None = None
        self._lock = threading.Lock()

    def get(self) -> Container:
        with self._lock:
            if self._container is None:
                self._container = self._factory()
            return self._container

    def close(self) -> None:
        with self._lock:
            if self._container is not None:
                self._container.close()
                self._container = None
