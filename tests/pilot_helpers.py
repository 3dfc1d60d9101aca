"""Shared Pilot steps: wait for thread workers, open a screen, type text."""

from __future__ import annotations


async def settle(pilot) -> None:
    """Wait for thread workers (database reads and writes) and the messages they post back;
    three rounds, because a worker's message can start another worker."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_library(pilot) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])
