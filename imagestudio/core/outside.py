"""Reading files and names that come from outside (imports, orphans found by the integrity check).

* Only regular files are read: a FIFO, device or socket is refused before a byte is read (the file is opened
  non-blocking, then ``fstat`` of the open descriptor decides, so a swap between a check and the open cannot
  slip a FIFO in). A FIFO opened for reading with ``O_NONBLOCK`` returns at once even with no writer.
* The byte cap is enforced while reading, never from ``st_size`` (0 for ``/dev/zero`` and for many /proc files).
* Each file has a time budget: a file on a stalled network share is given up with a reason, not waited for.
* A file name that is not valid UTF-8 (bytes smuggled in through ``surrogateescape``) is turned into text that
  can be stored and printed (``\\xff``), never raising ``UnicodeEncodeError`` later.
"""

from __future__ import annotations

import os
import stat
import time
import unicodedata
from pathlib import Path

CHUNK = 1 << 20


class Refused(Exception):
    """A file that is not read, with a short reason (for a report) and a detail."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "a special file"


def read_regular(path: Path | str, *, max_bytes: int, timeout_s: float = 30.0) -> tuple[bytes, float]:
    """(contents, mtime) of a regular file of at most ``max_bytes``; raises ``Refused`` otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:  # a socket answers ENXIO; a missing file, permissions…
        raise Refused("unreadable", e.strerror or type(e).__name__) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused("not a regular file", f"it is {_kind(st.st_mode)}")
        deadline = time.monotonic() + timeout_s
        parts: list[bytes] = []
        total = 0
        while True:
            try:
                block = os.read(fd, min(CHUNK, max_bytes + 1 - total))
            except BlockingIOError:  # a regular file never blocks; be safe anyway
                block = b""
            except OSError as e:
                raise Refused("unreadable", e.strerror or type(e).__name__) from None
            if not block:
                break
            parts.append(block)
            total += len(block)
            if total > max_bytes:
                raise Refused("too large", f"more than {max_bytes} bytes")
            if time.monotonic() > deadline:
                raise Refused("too slow", f"not read within {timeout_s:g} s")
        return b"".join(parts), st.st_mtime
    finally:
        os.close(fd)


def safe_text(text: str) -> str:
    """``text`` with undecodable bytes (surrogate escapes) shown as ``\\xNN``: storable as UTF-8, printable."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def path_text(path: Path | str) -> str:
    return safe_text(str(path))


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` for a terminal: control characters (escape sequences, bidi overrides, C1 codes) shown as
    ``\\e``/``\\xNN``/``\\u202e`` instead of acting on the terminal; undecodable bytes as ``\\xNN``."""
    out = []
    for ch in safe_text(text):
        if keep_newlines and ch == "\n":
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch not in ("\u200c", "\u200d"):  # ZWNJ/ZWJ: words, emoji
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)
