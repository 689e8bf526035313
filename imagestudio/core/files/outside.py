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
import re
import stat
import time
from pathlib import Path
from typing import Any, TextIO

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


#: What a terminal would act on instead of showing: C0/C1 controls (escape sequences, CR overwriting the line),
#: DEL, bidirectional overrides and other invisible format characters; lone surrogates (undecodable name bytes).
_OTHERS = "\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
_UNPRINTABLE = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")
_UNPRINTABLE_KEEP_CR = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHERS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"  # the JSON spelling: a JSON document stays valid and means the same


def printable(text: str, *, keep_cr: bool = False) -> str:
    """``text`` for a terminal: control and invisible format characters shown as ``\\u001b`` etc. instead of
    acting on the terminal; undecodable name bytes as ``\\xNN``. Newlines and tabs stay (``keep_cr``: and CR,
    for the CLI's own progress line)."""
    return (_UNPRINTABLE_KEEP_CR if keep_cr else _UNPRINTABLE).sub(_escape, text)


_PROGRESS = re.compile(r"\r[0-9]+/[0-9]+")  # the CLI's own "\r3/10" progress line


class PrintableStream:
    """A text stream that writes ``printable(text)`` to another one: everything the CLI prints (file names,
    prompts, server messages) reaches the terminal inert."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text, keep_cr=_PROGRESS.fullmatch(text) is not None))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, buffer…
        return getattr(self._stream, name)
