"""Command-line commands beyond the core set in `stretchtui.cli`, one module per theme.

Each module exposes `register(commands) -> dict[str, handler]`: it adds its subparsers to the
argparse sub-parser group and returns the handlers by command name. Modules import heavy pieces
(the store, textual) inside the handlers, so `stretchtui status` stays fast.
"""
