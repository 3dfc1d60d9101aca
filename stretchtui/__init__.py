"""stretchtui: a terminal habit tracker for daily back-care stretching."""

__version__ = "0.1.0"
