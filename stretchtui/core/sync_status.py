"""What sync says about itself: this device, one round's report, the status of every device, and
the one short line the app's Settings and the status segment show (docs/sync.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from stretchtui.core.errors import UserError
from stretchtui.core.vocabulary import plural


class NotSyncing(UserError):
    def __init__(self) -> None:
        super().__init__("this database does not sync; start with: stretchtui sync init FOLDER")


@dataclass(frozen=True)
class SyncConfig:
    device: str
    name: str
    folder: Path


@dataclass
class RoundReport:
    """What one round did, for `stretchtui sync` and the app's line."""

    at: datetime
    sent: int = 0
    received: Counter[str] = field(default_factory=Counter)  # device name -> changes taken
    problems: list[str] = field(default_factory=list)  # one line each; the round went on
    refused: bool = False  # a file or a change this version cannot take (not only a foreign file)
    recovered: int = 0  # changes read back from this machine's own log (not as this database left it)

    def came(self) -> str:
        """ "3 changes from laptop, 1 change from work" ("" when nothing came in)."""
        return ", ".join(f"{plural(n, 'change')} from {name}" for name, n in sorted(self.received.items()))

    def lines(self) -> list[str]:
        came = self.came()
        first = f"sent {plural(self.sent, 'change')}; " + (f"took {came}" if came else "nothing new came in")
        if self.recovered:
            first += f"; took back {plural(self.recovered, 'change')} from this machine's own log"
        return [first, *dict.fromkeys(self.problems)]  # a line said once, however many changes share it


@dataclass
class DeviceStatus:
    device: str
    name: str
    last_round: str | None
    changes_in: int  # taken from it in the last round that brought something
    changes_at: str | None  # when that was
    unread: int = 0  # changes in its log this machine has not taken yet


@dataclass
class SyncStatus:
    config: SyncConfig
    last_round: str | None
    unsent: int
    devices: list[DeviceStatus]
    problems: list[str]


def sync_line(report: RoundReport | None, failure: str | None, now: datetime) -> str:
    """The app's one line: "synced 2 min ago · 3 changes from laptop", "sync: <why not>", or ""
    before the first round."""
    from stretchtui.core.sync_clock import ago

    if failure:
        return f"sync: {failure}"
    if report is None:
        return ""
    came = report.came()
    line = f"synced {ago(report.at, now)}" + (f" · {came}" if came else "")
    if report.refused:
        line += " · some changes could not be taken (stretchtui sync says which)"
    return line
