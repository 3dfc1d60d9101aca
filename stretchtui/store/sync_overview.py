"""`stretchtui sync --status`: the devices, when each last ran a round, and what waits, read
without syncing (nothing is written, here or in the folder)."""

from __future__ import annotations

from stretchtui.core.errors import UserError
from stretchtui.core.sync_status import DeviceStatus, NotSyncing, SyncStatus
from stretchtui.store.sync_folder import SyncFolder
from stretchtui.store.sync_records import current_records
from stretchtui.store.sync_tables import SyncTables


def read_status(tables: SyncTables) -> SyncStatus:
    """Devices, when each last ran a round, and what waits: changes made here not yet sent, and
    lines in the others' logs not yet read."""
    from stretchtui.store.sync_records import digest

    config = tables.config()
    if config is None:
        raise NotSyncing
    meta = tables.meta()
    state = tables.state()
    current = {key: digest(plain) for key, plain in current_records(tables.db, None)}
    unsent = sum(1 for key, d in current.items() if key not in state or state[key][1] != d)
    unsent += sum(1 for key, (_, d) in state.items() if d is not None and key not in current)
    problems: list[str] = [why for (why,) in tables.db.execute_sql("SELECT why FROM sync_pending ORDER BY stamp")]
    rows = tables.db.execute_sql(
        "SELECT device, name, last_round, changes_in, changes_at FROM sync_device ORDER BY name"
    ).fetchall()
    devices = {row[0]: DeviceStatus(*row) for row in rows}
    folder = SyncFolder(config.folder)
    try:
        folder.check()
        scan = folder.scan()
    except UserError as error:
        return SyncStatus(config, meta.get("last_round"), unsent, list(devices.values()), [*problems, str(error)])
    problems += scan.foreign
    cursors = tables.cursors()
    for found in scan.devices.values():
        if found.device == config.device:
            continue
        status = devices.setdefault(found.device, DeviceStatus(found.device, found.name, found.last_round, 0, None))
        status.name = found.name or status.name
        status.last_round = found.last_round or status.last_round
        problems += found.notes
        if found.problem:
            problems.append(found.problem)
        for file in [*found.logs, *found.copies]:  # every generation there, as a round reads them
            read = folder.read(found.device, file, *cursors.get((found.device, file), (0, None)))
            status.unread += len(read.changes)
            if read.problem:  # what makes every round say so, and exit 1
                problems.append(read.problem)
    return SyncStatus(config, meta.get("last_round"), unsent, sorted(devices.values(), key=lambda d: d.name), problems)
