"""The small exception tree: catch `CleanerError` to catch everything cleaner raises."""

from __future__ import annotations


class CleanerError(Exception):
    """Base of every error cleaner raises on purpose."""


class ConfigError(CleanerError, ValueError):
    """An option has a value cleaner does not know."""


class InputError(CleanerError, ValueError):
    """A record cannot be read: wrong type, undecodable bytes, a malformed line."""

    def __init__(self, message: str, *, record: str | None = None) -> None:
        self.record = record
        super().__init__(f"{record}: {message}" if record else message)
