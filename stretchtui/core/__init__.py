"""Pure domain logic: types, day and time rules, and (later) streaks, timer and suggestions.

Nothing here imports textual, peewee or any other stretchtui layer; a test enforces it.
"""
