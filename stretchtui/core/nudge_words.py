"""The few words a reminder leaves in the status line (core.notify writes them; store.pending_nudge
keeps them), in a module of their own: `stretchtui status` reads them on every run and must not
pay for importing the notifications."""

REMIND_SHORT = "time to stretch"
"""The goal is not met yet. The status line drops it once the day's goal is met."""
GET_HELP_SHORT = "get medical help today"
"""An urgent red flag is open (core.safety.State.URGENT)."""
GET_CHECKED_SHORT = "please get checked"
"""A red flag is open: shown whatever else the day holds."""
ASK_AGAIN_SHORT = "safety questions first"
