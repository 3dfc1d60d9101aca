"""One line of `stretchtui doctor` and how it went: apart from the checks so that each group of
them (store.doctor: the database, its file system and backups; store.doctor_privacy: who else can
read its files) makes its lines without importing the other."""

from __future__ import annotations

from dataclasses import dataclass

OK, WARN, PROBLEM, FIXED = "ok", "warn", "problem", "fixed"


@dataclass(frozen=True)
class Check:
    """One line of `stretchtui doctor`: how it went, what was checked, and for a problem the remedy."""

    level: str
    subject: str
    detail: str
    remedy: str = ""
