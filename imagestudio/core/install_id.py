"""A random id for this installation, made once and kept in the config dir; its sha256 is the API's
``safety_identifier``. It identifies no person: it is never derived from a name, e-mail or machine id."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from pathlib import Path

from imagestudio.core.files.fsutil import atomic_write

FILE_NAME = "install-id"


def install_id(config_dir: Path) -> str:
    path = config_dir / FILE_NAME
    try:
        value = path.read_text(encoding="ascii").strip()
        if len(value) == 32 and all(c in "0123456789abcdef" for c in value):
            return value
    except (OSError, UnicodeDecodeError):
        pass  # missing or damaged: make a new one
    value = secrets.token_hex(16)
    with contextlib.suppress(OSError):  # a read-only config dir: this session still gets a stable id
        atomic_write(path, value.encode("ascii") + b"\n")
    return value


def safety_identifier(config_dir: Path) -> str:
    """64 hex characters (the API's maximum length)."""
    return hashlib.sha256(install_id(config_dir).encode("ascii")).hexdigest()
