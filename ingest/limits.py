"""What one file may cost to read: size, characters, pages, what a zip container unpacks to, time, memory.

Checked by the readers (``ingest.loaders``) as they go, and, for time and memory, by the worker process
that runs them (``ingest.sandbox``). A file over a limit is refused with a ``LimitError`` that names the
file, the limit and the setting that raises it. Each limit can be set from the environment:

    PLANS_MAX_FILE_MB, PLANS_MAX_CHARACTERS, PLANS_MAX_PAGES, PLANS_MAX_UNZIPPED_MB, PLANS_MAX_ZIP_ENTRIES,
    PLANS_PARSE_SECONDS, PLANS_PARSE_MEMORY_MB
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

__all__ = ["Limits", "IngestError", "LimitError", "current"]

MB = 1024 * 1024


class IngestError(ValueError):
    """A file that cannot be taken in; the message names the file and the reason."""


class LimitError(IngestError):
    """A file refused because reading it would pass a limit; ``setting`` is the variable that raises it."""

    def __init__(self, message: str, setting: str = ""):
        super().__init__(message)
        self.setting = setting

    def __reduce__(self):  # crosses process boundaries with its setting
        return type(self), (str(self), self.setting)


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 64 * MB  # a file on disk
    characters: int = 5_000_000  # text read from one file (a plan is 20,000–200,000; parsed in ~40 s)
    pages: int = 2_000  # of a PDF
    unzipped_bytes: int = 256 * MB  # what a .docx (a zip of XML parts) unpacks to
    zip_entries: int = 5_000  # parts in it
    seconds: float = 120.0  # wall time to read and parse one file
    memory_bytes: int = 2048 * MB  # address space of the worker reading it

    _ENV = {"file_bytes": ("PLANS_MAX_FILE_MB", MB), "characters": ("PLANS_MAX_CHARACTERS", 1),
            "pages": ("PLANS_MAX_PAGES", 1), "unzipped_bytes": ("PLANS_MAX_UNZIPPED_MB", MB),
            "zip_entries": ("PLANS_MAX_ZIP_ENTRIES", 1), "seconds": ("PLANS_PARSE_SECONDS", 1),
            "memory_bytes": ("PLANS_PARSE_MEMORY_MB", MB)}

    @classmethod
    def from_env(cls, environ=None) -> Limits:
        """The defaults, each replaced by its variable when set (a positive number)."""
        environ = os.environ if environ is None else environ
        out = {}
        for f in fields(cls):
            variable, unit = cls._ENV[f.name]
            raw = environ.get(variable, "").strip()
            if not raw:
                continue
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(f"{variable}={raw!r} is not a number") from None
            if value <= 0:
                raise ValueError(f"{variable} must be positive, not {raw}")
            out[f.name] = value * unit if f.name == "seconds" else int(value * unit)
        return replace(cls(), **out)

    def setting(self, name: str) -> str:
        return self._ENV[name][0]

    def refuse(self, path, what: str, name: str) -> LimitError:
        """A ``LimitError`` for ``path``: ``what`` it has, over the limit ``name``."""
        return LimitError(f"{path}: refused, {what}, over the limit of {self.show(name)} "
                          f"(raise it with {self.setting(name)})", self.setting(name))

    def show(self, name: str) -> str:
        value = getattr(self, name)
        if name.endswith("bytes"):
            return f"{value / MB:,.0f} MB"
        if name == "seconds":
            return f"{value:g} s"
        return f"{value:,} {name.replace('_', ' ')}"


def current() -> Limits:
    """The limits in force (defaults, or as set in the environment)."""
    return Limits.from_env()
