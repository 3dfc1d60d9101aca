"""A table keyed by an enum's members names every member: one added later without its words (a
title, a text) was a KeyError where the table is read, as a new kind of safety-gate reason was
when the gate opened for a new user. Every module of the package is read for such tables."""

from __future__ import annotations

import enum
import importlib
import pkgutil

import stretchtui


def enum_tables() -> list[tuple[str, str, type[enum.Enum], set[enum.Enum]]]:
    found = []
    for module in pkgutil.walk_packages(stretchtui.__path__, "stretchtui."):
        if module.name.endswith("__main__"):  # runs the app
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, dict) and value and all(isinstance(key, enum.Enum) for key in value):
                kinds = {type(key) for key in value}
                if len(kinds) == 1 and (kind := kinds.pop()).__module__.startswith("stretchtui"):
                    found.append((module.name, name, kind, set(value)))
    return found


def test_every_table_keyed_by_an_enum_names_every_member() -> None:
    tables = enum_tables()
    assert len(tables) >= 5  # the scan finds them (TITLES, LEVEL_TEXT, MARK_NOUNS...)
    missing = {
        f"{module}.{name}": sorted(str(member.value) for member in set(kind) - keys)
        for module, name, kind, keys in tables
        if keys != set(kind)
    }
    assert missing == {}
