"""The command-line commands, one module per theme (tracking, library, launch, exchange, ...).

Each theme module declares its commands in a `COMMANDS` tuple of `registry.Command` (name, help,
arguments, handler), and `registry.THEMES` lists the modules. Modules import heavy pieces (the
store, textual) inside the handlers, so `stretchtui status` stays fast.
"""
