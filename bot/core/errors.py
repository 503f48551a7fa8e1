"""One small error hierarchy, raised with context and caught once per channel."""

from __future__ import annotations


class AdvisorError(Exception):
    """Base of every error the bot raises on purpose."""


class ContentError(AdvisorError):
    """A content file is missing, malformed or inconsistent.

    The message is one line: file, key path, line number where known, and what is wrong,
    so a content editor can fix it without reading a traceback.
    """

    def __init__(self, file: str, path: str, reason: str, line: int | None = None) -> None:
        self.file = file
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{file}:{line}" if line is not None else file
        key = f" {path}:" if path else ":"
        super().__init__(f"{where}:{key} {reason}")


class StorageError(AdvisorError):
    """The conversation store could not read or write."""


class ConflictError(StorageError):
    """A save lost a race: another turn saved a newer version first."""


class StateError(StorageError):
    """A stored conversation state this release cannot read (an unknown schema, say): the turn
    fails politely and the state is left for a release that can."""
