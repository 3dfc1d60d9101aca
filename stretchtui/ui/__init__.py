"""The Textual user interface. Imports textual and core; never the store (it gets one injected)."""
