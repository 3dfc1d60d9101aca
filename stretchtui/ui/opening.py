"""The store, opened by whichever thread needs it first: so the app can draw before it opens."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class OpenOnFirstUse(Generic[T]):
    """Holds `open()`'s result. The first `get()` calls it (under a lock, so exactly once); every
    other caller waits for that and gets the same value, or the same error raised again."""

    def __init__(self, open: Callable[[], T]) -> None:
        self._open: Callable[[], T] | None = open
        self._lock = threading.Lock()
        self._value: T | None = None
        self._error: BaseException | None = None

    @classmethod
    def ready(cls, value: T) -> OpenOnFirstUse[T]:
        """Already open (a store the caller opened)."""
        holder: OpenOnFirstUse[T] = cls(lambda: value)
        holder.get()
        return holder

    def get(self) -> T:
        with self._lock:
            if self._open is not None:
                opener, self._open = self._open, None
                try:
                    self._value = opener()
                except BaseException as error:
                    self._error = error
            if self._error is not None:
                raise self._error
            return self._value  # type: ignore[return-value]

    @property
    def value(self) -> T | None:
        """The opened value, without opening or waiting: None while not (yet) open."""
        return self._value

    @property
    def error(self) -> BaseException | None:
        """Why opening failed, if it did."""
        return self._error
