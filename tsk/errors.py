"""The errors the core raises; the CLI turns each into `Error: ...` and its exit code."""


class TskError(Exception):
    """Base class: the request was refused or failed (exit 1)."""

    exit_code = 1


class InvalidInput(TskError):
    """A value the user gave cannot be used: wrong enum, impossible date, bad number (exit 2)."""

    exit_code = 2


class NotFound(TskError):
    """The named complaint (or policy, setting...) does not exist (exit 1)."""


class Refused(TskError):
    """A rule forbids the change: wrong state, recusal, extension beyond the cap (exit 1)."""

