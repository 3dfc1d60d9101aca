"""A method whose parameters are a record's fields, so that the list is written once: in the record.

The store's `add_checkin` and the port the UI sees (core.ports) both declare
`@takes(NewCheckin) def add_checkin(self, new: NewCheckin)`; callers still write
`add_checkin(pains, note="...")`, checked by the type checker against `NewCheckin`'s fields,
and the method's body gets the one record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S")
T = TypeVar("T")


def takes(record: Callable[P, R]) -> Callable[[Callable[[S, R], T]], Callable[Concatenate[S, P], T]]:
    """Decorate a method of one record argument: it is called with the record's own parameters."""

    def decorate(method: Callable[[S, R], T]) -> Callable[Concatenate[S, P], T]:
        def call(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
            return method(self, record(*args, **kwargs))

        call.__module__ = method.__module__
        call.__name__ = method.__name__
        call.__qualname__ = method.__qualname__
        call.__doc__ = method.__doc__
        return call

    return decorate
