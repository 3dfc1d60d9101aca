"""Where the database lives: --db, else $STRETCHTUI_DB, else the user data directory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "stretchtui"
DB_FILENAME = "stretchtui.db"
ENV_VAR = "STRETCHTUI_DB"


def default_data_dir() -> Path:
    import platformdirs  # here, not at the top: `--db PATH` never needs it

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The one answer to "which database": --db, else $STRETCHTUI_DB, else the user data directory;
    made absolute (symbolic links kept as they are), so every message and command shown is exact."""
    env = os.environ if environ is None else environ
    if cli_value:
        chosen = Path(cli_value).expanduser()
    elif env.get(ENV_VAR):
        chosen = Path(env[ENV_VAR]).expanduser()
    else:
        chosen = default_data_dir() / DB_FILENAME
    return Path(os.path.abspath(chosen))
