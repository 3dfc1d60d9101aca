"""Helpers for thread workers that load data for a screen."""

from __future__ import annotations

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker


def post_if_current(target: MessagePump, message: Message) -> None:
    """Post a loader's result unless a newer load replaced this one (exclusive workers are only
    marked cancelled; without this check a slow, stale load could land after a fresh one)."""
    if not get_current_worker().is_cancelled:
        target.post_message(message)
